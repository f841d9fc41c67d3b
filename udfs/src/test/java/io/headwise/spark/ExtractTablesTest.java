package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.headwise.explain.Rollout;
import io.headwise.metrics.HeadMetrics;
import io.headwise.metrics.HeadStats;
import io.headwise.model.Analyzer;
import io.headwise.model.Explanation;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.model.SampleResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/** Each table's declaration gives exactly the rows the sample's results make. */
class ExtractTablesTest {

    private static final GptConfig CONFIG = GptConfig.of(27, 8, 16, 2, 2);

    @Test
    void sampleRowsEqualTheResultsTheyCameFrom() {
        for (boolean gradients : new boolean[] {true, false}) {
            try (NDManager manager = NDManager.newBaseManager()) {
                Analyzer analyzer = new Analyzer(new Gpt(GptWeights.random(CONFIG, manager, 7)), manager, 3, gradients);
                List<int[]> batch = List.of(new int[] {0, 5}, new int[] {0, 1, 2, 3, 4, 26, 0, 9}, new int[] {3});
                List<SampleResult> results = analyzer.analyze(batch);
                for (int i = 0; i < batch.size(); i++) {
                    SampleResult r = results.get(i);
                    List<String> pieces = pieces(batch.get(i));
                    long id = 1000L * i - 7;
                    checkSample(id, r, pieces, ExtractedSample.of(id, r, utf8(pieces), true, true), true);
                    checkSample(id, r, pieces, ExtractedSample.of(id, r, utf8(pieces), false, false), false);
                }
            }
        }
    }

    private static void checkSample(
            long id, SampleResult r, List<String> pieces, ExtractedSample record, boolean withPatterns) {
        int t = r.length();
        boolean gradients = r.hasGradients();

        List<Row> headStats = rows(Schemas.HEAD_STATS, record);
        assertThat(headStats).hasSize(t < 2 ? 0 : CONFIG.nLayer() * CONFIG.nHead());
        for (Row row : headStats) {
            int l = row.getInt(1);
            int h = row.getInt(2);
            HeadStats s = HeadMetrics.headStats(r.patterns()[l][h]).orElseThrow();
            assertThat(row.getLong(0)).isEqualTo(id);
            assertThat(row.getInt(3)).isEqualTo(t - 1);
            assertThat(new double[] {
                        row.getDouble(4),
                        row.getDouble(5),
                        row.getDouble(6),
                        row.getDouble(7),
                        row.getDouble(8),
                        row.getDouble(9)
                    })
                    .containsExactly(s.entropy(), s.distance(), s.prevToken(), s.firstToken(), s.self(), s.maxWeight());
            assertThat(row.get(10)).isEqualTo(gradients ? (Object) (double) r.headGrad()[l][h] : null);
            assertThat(row.getDouble(11)).isEqualTo(r.outputNorm()[l][h]);
        }

        List<Row> attention = rows(Schemas.ATTENTION, record);
        assertThat(attention).hasSize(withPatterns ? CONFIG.nLayer() * CONFIG.nHead() : 0);
        for (Row row : attention) {
            assertThat(row.getLong(0)).isEqualTo(id);
            assertThat((float[][]) row.get(3)).isDeepEqualTo(r.patterns()[row.getInt(1)][row.getInt(2)]);
        }

        List<Row> tokenStats = rows(Schemas.TOKEN_STATS, record);
        assertThat(tokenStats).hasSize(t);
        for (int p = 0; p < t; p++) {
            Row row = tokenStats.get(p);
            assertThat(row.getLong(0)).isEqualTo(id);
            assertThat(row.getInt(1)).isEqualTo(p);
            assertThat(row.getInt(2)).isEqualTo(r.tokenIds()[p]);
            assertThat(row.getString(3)).isEqualTo(pieces.get(p));
            assertThat(row.get(4)).isEqualTo(p < t - 1 ? (Object) (double) r.loss()[p] : null);
            assertThat(row.get(5)).isEqualTo(gradients ? (Object) (double) r.gradNorm()[p] : null);
            assertThat(row.get(6)).isEqualTo(gradients ? (Object) (double) r.gradXInput()[p] : null);
        }

        List<Row> activations = rows(Schemas.ACTIVATIONS, record);
        assertThat(activations).hasSize(CONFIG.nLayer() * t);
        for (Row row : activations) {
            int l = row.getInt(1);
            int p = row.getInt(2);
            assertThat(row.getLong(0)).isEqualTo(id);
            assertThat(row.getDouble(3)).isEqualTo(r.residNorm()[l][p]);
            assertThat((int[]) row.get(4)).containsExactly(r.mlpTopIds()[l][p]);
            assertThat((float[]) row.get(5)).containsExactly(r.mlpTopValues()[l][p]);
        }
    }

    @Test
    void explainedSamplesGetAttributionsLogitLensAndValueWeightedPatterns() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(GptWeights.random(CONFIG, manager, 7)), manager, 3, false);
            List<int[]> batch = List.of(new int[] {0, 5, 7, 2}, new int[] {3}, new int[] {0, 1, 2});
            List<SampleResult> results = analyzer.analyze(batch, new boolean[] {true, true, false});
            // A vocabulary shorter than the model's: ids past its end have no top_token.
            UTF8String[] vocabulary = utf8(pieces(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
            for (int i = 0; i < batch.size(); i++) {
                SampleResult r = results.get(i);
                int t = r.length();
                ExtractedSample sample = ExtractedSample.of(i, r, utf8(pieces(batch.get(i))), true, true, vocabulary);
                Explanation x = r.explanation();

                List<Row> attributions = rows(Schemas.ATTRIBUTIONS, sample);
                List<Row> lens = rows(Schemas.LOGIT_LENS, sample);
                List<Row> attention = rows(Schemas.ATTENTION, sample);
                if (x == null) {
                    assertThat(attributions).isEmpty();
                    assertThat(lens).isEmpty();
                    assertThat(attention)
                            .allSatisfy(row -> assertThat(row.isNullAt(4)).isTrue());
                    continue;
                }
                assertThat(attributions).hasSize(t < 2 ? 1 : 2);
                assertThat(attributions.get(0).getString(1)).isEqualTo("rollout");
                assertThat((float[][]) attributions.get(0).get(2)).isDeepEqualTo(Rollout.of(r.patterns()));
                if (t >= 2) {
                    assertThat(attributions.get(1).getString(1)).isEqualTo("grad_rollout");
                    assertThat((float[][]) attributions.get(1).get(2))
                            .hasNumberOfRows(t - 1)
                            .isDeepEqualTo(x.gradRollout());
                }
                assertThat(lens).hasSize(CONFIG.nLayer() * t);
                for (Row row : lens) {
                    int l = row.getInt(1);
                    int p = row.getInt(2);
                    int top = x.lensTopId()[l][p];
                    assertThat(row.getLong(0)).isEqualTo(i);
                    assertThat(row.getInt(3)).isEqualTo(top);
                    assertThat(row.getString(4)).isEqualTo(top < 10 ? vocabulary[top].toString() : null);
                    assertThat(row.getDouble(5)).isEqualTo(x.lensTopProb()[l][p]);
                    assertThat(row.get(6)).isEqualTo(p < t - 1 ? (Object) (double) x.lensTargetProb()[l][p] : null);
                    assertThat(row.get(7)).isEqualTo(p < t - 1 ? (Object) x.lensTargetRank()[l][p] : null);
                }
                assertThat(attention).hasSize(CONFIG.nLayer() * CONFIG.nHead());
                for (Row row : attention) {
                    int l = row.getInt(1);
                    int h = row.getInt(2);
                    float[][] weighted = (float[][]) row.get(4);
                    for (int q = 0; q < t; q++) {
                        for (int k = 0; k <= q; k++) {
                            assertThat(weighted[q][k]).isEqualTo(r.patterns()[l][h][q][k] * x.valueNorms()[l][h][k]);
                        }
                    }
                }
                // Explained, but without attention rows: no value-weighted patterns to keep.
                assertThat(ExtractedSample.of(i, r, utf8(pieces(batch.get(i))), false, true, vocabulary)
                                .valueWeighted())
                        .isNull();
            }
        }
    }

    @Test
    void anExcerptIsTheFirst200CharactersOfTheDecodedTokens() {
        assertThat(ExtractTask.excerpt(utf8(List.of("Бълг", "ария ", "\uD83D\uDE00"))))
                .isEqualTo("България \uD83D\uDE00");
        assertThat(ExtractTask.excerpt(utf8(List.of("x".repeat(150), "y".repeat(150)))))
                .isEqualTo("x".repeat(150) + "y".repeat(50));
    }

    @Test
    void columnNamesHaveNoDots() {
        assertThatThrownBy(() -> SampleTable.<ExtractedSample>builder("t", "extract", (s, rows) -> {})
                        .column("a.b", org.apache.spark.sql.types.DataTypes.IntegerType, false, (s, i, j) -> 0))
                .hasMessageContaining("a.b");
    }

    private static List<Row> rows(String table, ExtractedSample sample) {
        SampleTable<ExtractedSample> declared = ExtractTables.ALL.stream()
                .filter(t -> t.name().equals(table))
                .findFirst()
                .orElseThrow();
        List<Row> rows = new ArrayList<>();
        declared.rows(sample, row -> rows.add(InternalRows.external(declared.schema(), row)));
        return rows;
    }

    static org.apache.spark.unsafe.types.UTF8String[] utf8(List<String> pieces) {
        return pieces.stream()
                .map(org.apache.spark.unsafe.types.UTF8String::fromString)
                .toArray(org.apache.spark.unsafe.types.UTF8String[]::new);
    }

    private static List<String> pieces(int[] ids) {
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(id == 0 ? "." : Character.toString('a' + id - 1));
        }
        return pieces;
    }
}
