package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.headwise.model.Analyzer;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.report.AblationView;
import io.headwise.testing.Fixtures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's "remove one head" ({@link ReportModel#removeOneHead}) on gpt2-tiny (2 layers × 2 heads). */
class ReportRemovalTest {

    private static final int[] IDS = {0, 13, 1, 18, 9, 13, 1, 18, 5, 0};

    @Test
    void aHeadThatWritesNothingHasNoEffectAndTheBaseIsTheModelsOwnLoss() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights original = Checkpoint.read(Fixtures.gpt2Tiny(), manager);
            GptConfig config = original.config();
            int c = config.nEmbd();
            int d = config.dHead();
            // Rows D … 2·D − 1 of layer 1's c_proj.weight are W_O of head 1: zero, the head writes nothing.
            Map<String, NDArray> tensors = new LinkedHashMap<>(original.asMap());
            NDArray old = tensors.get("h.1.attn.c_proj.weight");
            float[] w = old.toFloatArray();
            java.util.Arrays.fill(w, d * c, 2 * d * c, 0f);
            tensors.put("h.1.attn.c_proj.weight", manager.create(w, old.getShape()));
            GptWeights silent = GptWeights.of(config, tensors, "head 1.1 silenced by hand");

            AblationView.TextRemoval removal = ReportModel.removeOneHead(new Gpt(silent), manager, IDS);

            assertThat(removal.baseLosses()).hasSize(IDS.length - 1);
            assertThat(removal.delta(1, 1)).isEqualTo(0.0);
            assertThat(removal.positionDelta(1, 1)).containsOnly(0.0);
            for (int[] lh : new int[][] {{0, 0}, {0, 1}, {1, 0}}) {
                assertThat(java.util.Arrays.stream(removal.positionDelta(lh[0], lh[1]))
                                .map(Math::abs)
                                .max()
                                .orElseThrow())
                        .as("largest |Δ_t| without head %d.%d", lh[0], lh[1])
                        .isGreaterThan(1e-4);
            }
            // The base row is the model itself: the same mean loss as inspect's analysis.
            double analysed = new Analyzer(new Gpt(silent), manager, 0, true)
                    .analyze(List.of(IDS))
                    .get(0)
                    .meanLoss();
            assertThat(removal.baseLoss()).isCloseTo(analysed, within(1e-5));
            // Δ of the text is the mean of the per-position Δ (both over the T − 1 predictions).
            double mean = java.util.Arrays.stream(removal.positionDelta(0, 1))
                    .average()
                    .orElseThrow();
            assertThat(removal.delta(0, 1)).isCloseTo(mean, within(1e-6));
        }
    }

    @Test
    void aTextOfOneTokenHasNoPrediction() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = Checkpoint.read(Fixtures.gpt2Tiny(), manager);
            AblationView.TextRemoval removal = ReportModel.removeOneHead(new Gpt(weights), manager, new int[] {7});
            assertThat(removal.baseLosses()).isEmpty();
            assertThat(removal.baseLoss()).isNaN();
            assertThat(removal.headLosses().length).isEqualTo(2);
            assertThat(removal.headLosses()[1]).hasNumberOfRows(2);
            assertThat(removal.headLosses()[1][1]).isEmpty();
        }
    }
}
