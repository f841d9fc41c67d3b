package io.headwise.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import io.headwise.model.GptConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportModelTest {

    @Test
    void componentsAddUpToTheConfigsParameterCount() {
        GptConfig tied = GptConfig.of(27, 32, 16, 2, 2);
        ModelSummary summary = ModelSummary.of("m", tied, true);
        assertThat(summary.totalParameters()).isEqualTo(tied.parameterCount());
        // By hand for C = 16, L = 2: attention 2·(16·48 + 48 + 16·16 + 16) = 2176.
        assertThat(summary.components().get(2).parameters()).isEqualTo(2176);
        // MLP 2·(16·64 + 64 + 64·16 + 16) = 4256; norms (2·2 + 1)·32 = 160.
        assertThat(summary.components().get(3).parameters()).isEqualTo(4256);
        assertThat(summary.components().get(4).parameters()).isEqualTo(160);
        GptConfig untied = new GptConfig(50, 16, 8, 1, 2, 1e-5, false, 0, 0);
        ModelSummary u = ModelSummary.of("m", untied, false);
        assertThat(u.totalParameters()).isEqualTo(untied.parameterCount());
        assertThat(u.components().get(5).parameters()).isEqualTo(400);
        GptConfig narrow = tied.withMlpWidth(24);
        ModelSummary n = ModelSummary.of("m", narrow, true);
        assertThat(n.totalParameters()).isEqualTo(narrow.parameterCount());
        // MLP 2·(16·24 + 24 + 24·16 + 16) = 1616, shown with its width.
        assertThat(n.components().get(3).parameters()).isEqualTo(1616);
        assertThat(n.components().get(3).shape()).endsWith("F = 24");
    }

    @Test
    void topAttendedSumsMassOverQueriesOneOnwardsAndBreaksTiesByPosition() {
        float[][] pattern = {{1f}, {0.5f, 0.5f}, {0.2f, 0.2f, 0.6f}};
        // masses: key 0 = 0.7, key 1 = 0.7, key 2 = 0.6 (query 0 is not counted)
        assertThat(io.headwise.metrics.ReceivedMass.topKeys(pattern, 3)).containsExactly(0, 1, 2);
        assertThat(io.headwise.metrics.ReceivedMass.topKeys(pattern, 1)).containsExactly(0);
        assertThat(io.headwise.metrics.ReceivedMass.topKeys(new float[][] {{1f}}, 3))
                .containsExactly(0);
    }

    @Test
    void embeddingExplainsVarianceShares() {
        // Points on a line along x: all variance on PC 1.
        float[][] rows = {{0, 0}, {1, 0}, {2, 0}, {3, 0}};
        EmbeddingView view = EmbeddingView.of(rows, new String[] {"a", "b", "c", "d"});
        assertThat(view.explained()[0]).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(view.explained()[1]).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Math.abs(view.coordinates()[0][0])).isCloseTo(1.5, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(EmbeddingView.totalVariance(rows)).isCloseTo(5.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    }

    @Test
    void readsTheTrainingCurveWithAnEmptyTestLoss(@TempDir Path dir) throws Exception {
        assertThat(TrainingCurve.read(dir)).isEmpty();
        Files.writeString(
                dir.resolve("curve.csv"),
                "step,train_loss,test_loss,lr,elapsed_seconds\n0,3.300000,3.310000,0.001,0.0\n100,2.500000,,0.0009,12.5\n");
        TrainingCurve curve = TrainingCurve.read(dir).orElseThrow();
        assertThat(curve.points()).hasSize(2);
        assertThat(curve.points().get(0).testLoss()).isEqualTo(3.31);
        assertThat(curve.points().get(1).step()).isEqualTo(100);
        assertThat(curve.points().get(1).testLoss()).isNaN();
        assertThat(curve.points().get(1).elapsedSeconds()).isEqualTo(12.5);
    }

    @Test
    void namesTheLineOfAMalformedCurve(@TempDir Path dir) throws Exception {
        Files.writeString(
                dir.resolve("curve.csv"),
                "step,train_loss,test_loss,lr,elapsed_seconds\n0,3.3,,0.001,0\n5,x,,0.001,1\n");
        assertThatThrownBy(() -> TrainingCurve.read(dir))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("curve.csv: line 3");
        Files.writeString(dir.resolve("curve.csv"), "step,loss\n");
        assertThatThrownBy(() -> TrainingCurve.read(dir)).hasMessageContaining("line 1 must be the header");
    }

    @Test
    void removalTakesTheRowsInLayerHeadOrderAfterTheBase() {
        // [L·H + 1][1][T − 1] for L = 1, H = 2, T = 3: the base, then head 0.0, then head 0.1.
        float[][][] losses = {{{1f, 3f}}, {{1.5f, 3f}}, {{0.5f, 2f}}};
        AblationView.TextRemoval removal = AblationView.TextRemoval.of(losses, 1, 2);
        assertThat(removal.baseLoss()).isEqualTo(2.0);
        assertThat(removal.delta(0, 0)).isEqualTo(0.25);
        assertThat(removal.delta(0, 1)).isEqualTo(-0.75);
        assertThat(removal.positionDelta(0, 0)).containsExactly(0.5, 0.0);
        assertThat(removal.positionDelta(0, 1)).containsExactly(-0.5, -1.0);
        assertThatThrownBy(() -> AblationView.TextRemoval.of(losses, 2, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 intervention rows for 2 × 2 heads");
    }

    @Test
    void spearmanIsOverTheZeroAblationsWithAGradientProxyOnly() {
        AblationView view = ReportSamples.withAblation().ablation();
        // Mean, merge and joint rows (no grad_proxy) are left out: 4 zero rows, ρ = 0.8 by hand.
        assertThat(view.spearman()).isCloseTo(0.8, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(new AblationView(null, List.of()).spearman()).isNaN();
    }
}
