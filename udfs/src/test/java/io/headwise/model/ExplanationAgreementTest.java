package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.headwise.explain.GradientRollout;
import io.headwise.explain.ValueWeighting;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The batched model's explanations (SPEC §6, {@link Explainer}) against {@link NaiveGpt}: value
 * norms and the logit lens computed independently in double precision, {@code grad_rollout} from
 * central differences of the naive model's next-token logits with respect to every pattern weight.
 */
class ExplanationAgreementTest {

    /** float32 against double on probabilities (as {@link NaiveGptAgreementTest}). */
    private static final double ABS = 1e-5;
    /** float32 autograd against double finite differences, on rows that sum to 1. */
    private static final double ROLLOUT_ABS = 1e-4;
    /** Central-difference step on a pattern weight (see {@link NaiveGptAgreementTest}'s STEP). */
    private static final double STEP = 1e-4;

    private static final long SEED = 42;

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Stream<Arguments> configs() {
        return Stream.of(
                Arguments.of("one layer", GptConfig.of(23, 20, 12, 1, 3)),
                Arguments.of("tied", TestModels.tiny()),
                Arguments.of("untied", TestModels.tinyUntied()),
                Arguments.of("scaled", TestModels.tinyScaled()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void explanationsAgreeWithTheNaiveModel(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        int[][] samples = {TestModels.randomIds(config, 12, 1), TestModels.randomIds(config, 7, 2)};
        // One batch: the shorter sample is padded, and both are explained at once.
        List<SampleResult> results =
                new Analyzer(new Gpt(weights), manager, 0, false).analyze(List.of(samples), new boolean[] {true, true});
        for (int s = 0; s < samples.length; s++) {
            int[] ids = samples[s];
            Explanation x = results.get(s).explanation();
            NaiveGpt.Result ref = naive.forward(ids);
            for (int l = 0; l < config.nLayer(); l++) {
                for (int h = 0; h < config.nHead(); h++) {
                    assertThat(x.valueNorms()[l][h]).hasSize(ids.length);
                    for (int k = 0; k < ids.length; k++) {
                        double want = ref.valueNorms()[l][h][k];
                        assertThat((double) x.valueNorms()[l][h][k])
                                .as("value norm [%d][%d][%d]", l, h, k)
                                .isCloseTo(want, within(ABS * Math.max(1, want)));
                    }
                }
                assertLensAgrees(x, l, naive.readOut(ref.residPost()[l]), ids);
            }
            assertGradRolloutAgrees(x.gradRollout(), naive, ids, ref, 0.1);
        }
    }

    /**
     * Five short samples, their copies in passes of the batch's size (a budget of one weight): 7
     * query copies in passes of 5 and 2 rows, the fourth sample's two queries in different passes.
     */
    @Test
    void samplesSharingAGradientPassAgreeWithTheNaiveModel() {
        GptConfig config = TestModels.tiny();
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        List<int[]> batch = List.of(
                TestModels.randomIds(config, 2, 11),
                TestModels.randomIds(config, 3, 12),
                TestModels.randomIds(config, 2, 13),
                TestModels.randomIds(config, 3, 14),
                TestModels.randomIds(config, 2, 15));
        boolean[] all = {true, true, true, true, true};
        List<SampleResult> results = new Analyzer(new Gpt(weights), manager, 0, false, 1).analyze(batch, all);
        for (int s = 0; s < batch.size(); s++) {
            int[] ids = batch.get(s);
            assertGradRolloutAgrees(results.get(s).explanation().gradRollout(), naive, ids, naive.forward(ids), 0);
        }
        // Row 0 of any sample is [1]; row 1 of the 3-token samples must be more than its query alone.
        double offQuery = results.get(1).explanation().gradRollout()[1][0]
                + results.get(3).explanation().gradRollout()[1][0];
        assertThat(offQuery).isGreaterThan(0.01);
    }

    @Test
    void lastLayersLensIsTheModelsOwnPrediction() {
        GptConfig config = TestModels.tiny();
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        int[] ids = TestModels.randomIds(config, 11, 5);
        SampleResult r = new Analyzer(new Gpt(weights), manager, 0, false)
                .analyze(List.of(ids), new boolean[] {true})
                .get(0);
        Explanation x = r.explanation();
        int last = config.nLayer() - 1;
        for (int t = 0; t + 1 < ids.length; t++) {
            assertThat((double) x.lensTargetProb()[last][t])
                    .as("p(x_{t+1}) at %d", t)
                    .isCloseTo(Math.exp(-r.loss()[t]), within(ABS));
        }
        assertThat(x.lensTopId()[last][ids.length - 1]).isEqualTo(r.nextTokenId());
        assertThat(x.lensTopProb()[last][ids.length - 1]).isCloseTo(r.nextTokenProb(), within((float) ABS));
    }

    @Test
    void explainingOneSampleOfABatchLeavesTheOthersAloneAndChangesNothingElse() {
        GptConfig config = TestModels.tiny();
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        Analyzer analyzer = new Analyzer(new Gpt(weights), manager, 4, true);
        List<int[]> batch = List.of(TestModels.randomIds(config, 9, 3), TestModels.randomIds(config, 14, 4));

        List<SampleResult> plain = analyzer.analyze(batch);
        List<SampleResult> second = analyzer.analyze(batch, new boolean[] {false, true});
        Explanation alone = analyzer.analyze(List.of(batch.get(1)), new boolean[] {true})
                .get(0)
                .explanation();

        assertThat(second.get(0).explanation()).isNull();
        assertThat(plain.get(1).explanation()).isNull();
        assertThat(second.get(0).loss()).containsExactly(plain.get(0).loss());
        assertThat(second.get(1).headGrad()).isDeepEqualTo(plain.get(1).headGrad());
        Explanation x = second.get(1).explanation();
        for (int q = 0; q < alone.gradRollout().length; q++) {
            for (int k = 0; k <= q; k++) {
                assertThat(x.gradRollout()[q][k]).isCloseTo(alone.gradRollout()[q][k], within(1e-5f));
            }
        }
        assertThat(x.lensTopId()).isDeepEqualTo(alone.lensTopId());
        assertThat(x.lensTargetRank()).isDeepEqualTo(alone.lensTargetRank());
    }

    @Test
    void aHeadWithZeroOutputRowsWritesNothingAndWeighsNothing() {
        GptConfig config = TestModels.tiny();
        int layer = 1;
        int head = 2;
        GptWeights peaked = TestModels.peaked(config, manager, SEED);
        Map<String, NDArray> tensors = new LinkedHashMap<>(peaked.asMap());
        String name = "h." + layer + ".attn.c_proj.weight";
        float[] w = tensors.get(name).toFloatArray();
        int c = config.nEmbd();
        for (int i = head * config.dHead(); i < (head + 1) * config.dHead(); i++) {
            for (int j = 0; j < c; j++) {
                w[i * c + j] = 0;
            }
        }
        tensors.put(name, manager.create(w, tensors.get(name).getShape()));
        GptWeights weights = GptWeights.of(config, tensors, "one head's c_proj rows zeroed");
        int[] ids = TestModels.randomIds(config, 10, 6);

        SampleResult r = new Analyzer(new Gpt(weights), manager, 0, false)
                .analyze(List.of(ids), new boolean[] {true})
                .get(0);

        assertThat(r.outputNorm()[layer][head]).isZero();
        assertThat(r.outputNorm()[layer][0]).isPositive();
        float[][] weighted =
                ValueWeighting.of(r.patterns()[layer][head], r.explanation().valueNorms()[layer][head]);
        for (float[] row : weighted) {
            assertThat(row).containsOnly(0f);
        }
        assertThat(r.explanation().valueNorms()[layer][0]).doesNotContain(0f);
    }

    /**
     * {@code inspect --explain}'s gradient × input per prediction against central differences of
     * each of the naive model's token losses (one pair of naive passes per embedding coordinate
     * gives every prediction's derivative at once), and its mean over the predictions against SPEC
     * §4's {@code grad_x_input} of the same analyser.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void gradXInputPerPredictionAgreesWithTheNaiveModel(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        int[] ids = TestModels.randomIds(config, 8, 7);
        int t = ids.length;
        // One pass of every copy, and (a budget of one weight) one pass per copy.
        Analyzer analyzer = new Analyzer(new Gpt(weights), manager, 0, true);
        float[][] actual = analyzer.predictionGradXInput(ids);
        float[][] onePerPass = new Analyzer(new Gpt(weights), manager, 0, true, 1).predictionGradXInput(ids);
        for (int q = 0; q + 1 < t; q++) {
            assertThat(onePerPass[q]).as("row %d, one copy per pass", q).containsExactly(actual[q], within(1e-6f));
        }
        double[][] e = naive.embed(ids);
        // grad[q][k][c] = ∂ℓ_q/∂e_k[c]
        double[][][] grad = new double[t - 1][t][e[0].length];
        for (int k = 0; k < t; k++) {
            for (int c = 0; c < e[k].length; c++) {
                double[][] plus = NaiveGpt.copy(e);
                double[][] minus = NaiveGpt.copy(e);
                plus[k][c] += STEP;
                minus[k][c] -= STEP;
                double[] up = naive.forward(ids, plus, null).losses();
                double[] down = naive.forward(ids, minus, null).losses();
                for (int q = 0; q + 1 < t; q++) {
                    grad[q][k][c] = (up[q] - down[q]) / (2 * STEP);
                }
            }
        }
        assertThat(actual).hasNumberOfRows(t - 1);
        for (int q = 0; q + 1 < t; q++) {
            assertThat(actual[q]).as("row %d", q).hasSize(q + 1);
            for (int k = 0; k < t; k++) {
                double want = 0;
                double gradNorm = 0;
                double inputNorm = 0;
                for (int c = 0; c < e[k].length; c++) {
                    want += grad[q][k][c] * e[k][c];
                    gradNorm += grad[q][k][c] * grad[q][k][c];
                    inputNorm += e[k][c] * e[k][c];
                }
                if (k > q) {
                    // Causal: a later token cannot move an earlier prediction.
                    assertThat(want).as("naive ∂ℓ_%d/∂e_%d·e_%d", q, k, k).isCloseTo(0, within(1e-6));
                    continue;
                }
                // A dot product can cancel to ~0: its error is measured against ‖g‖·‖e‖.
                double scale = Math.sqrt(gradNorm * inputNorm);
                assertThat((double) actual[q][k])
                        .as("grad_x_input of prediction %d at key %d", q, k)
                        .isCloseTo(want, within(ROLLOUT_ABS * Math.max(1, scale)));
            }
        }
        float[] mean = analyzer.analyze(List.of(ids)).get(0).gradXInput();
        for (int k = 0; k < t; k++) {
            double sum = 0;
            for (int q = k; q + 1 < t; q++) {
                sum += actual[q][k];
            }
            assertThat(sum / (t - 1))
                    .as("mean over predictions at key %d = SPEC §4 grad_x_input", k)
                    .isCloseTo(mean[k], within(1e-5 * Math.max(1, Math.abs(mean[k]))));
        }
    }

    private static void assertLensAgrees(Explanation x, int l, double[][] logits, int[] ids) {
        for (int t = 0; t < ids.length; t++) {
            double lse = NaiveGpt.logSumExp(logits[t]);
            int top = NaiveGptAgreementTest.argMax(logits[t]);
            assertThat(x.lensTopId()[l][t]).as("lens top id [%d][%d]", l, t).isEqualTo(top);
            assertThat((double) x.lensTopProb()[l][t])
                    .as("lens top prob [%d][%d]", l, t)
                    .isCloseTo(Math.exp(logits[t][top] - lse), within(ABS));
            if (t + 1 < ids.length) {
                double target = logits[t][ids[t + 1]];
                int rank = 1;
                for (double v : logits[t]) {
                    rank += v > target ? 1 : 0;
                }
                assertThat((double) x.lensTargetProb()[l][t])
                        .as("lens target prob [%d][%d]", l, t)
                        .isCloseTo(Math.exp(target - lse), within(ABS));
                assertThat(x.lensTargetRank()[l][t])
                        .as("lens target rank [%d][%d]", l, t)
                        .isEqualTo(rank);
            }
        }
        assertThat(x.lensTargetProb()[l]).hasSize(ids.length - 1);
    }

    /**
     * {@code grad_rollout} from SPEC §6 with {@code ∂y_q/∂A} by central differences: one pair of
     * naive passes per pattern weight gives that weight's derivative for every query at once.
     */
    /** @param minSpread the least mean mass off the query itself, so that the comparison means something */
    private static void assertGradRolloutAgrees(
            float[][] actual, NaiveGpt naive, int[] ids, NaiveGpt.Result ref, double minSpread) {
        int t = ids.length;
        int nLayer = ref.patterns().length;
        int nHead = ref.patterns()[0].length;
        double[][] e = naive.embed(ids);
        // meanPositive[q][l][i][k] = mean_h max(∂y_q/∂A_{l,h}[i][k] · A_{l,h}[i][k], 0)
        double[][][][] meanPositive = new double[t - 1][nLayer][t][t];
        for (int l = 0; l < nLayer; l++) {
            for (int h = 0; h < nHead; h++) {
                for (int i = 0; i < t; i++) {
                    for (int k = 0; k <= i; k++) {
                        double[][] plus = naive.forward(ids, e, null, new NaiveGpt.Nudge(l, h, i, k, STEP))
                                .logits();
                        double[][] minus = naive.forward(ids, e, null, new NaiveGpt.Nudge(l, h, i, k, -STEP))
                                .logits();
                        double a = ref.patterns()[l][h][i][k];
                        for (int q = 0; q + 1 < t; q++) {
                            int next = ids[q + 1];
                            double g = (plus[q][next] - minus[q][next]) / (2 * STEP) * a;
                            meanPositive[q][l][i][k] += Math.max(g, 0) / nHead;
                        }
                    }
                }
            }
        }
        assertThat(actual).hasNumberOfRows(t - 1);
        double spread = 0;
        for (int q = 0; q + 1 < t; q++) {
            spread += (1 - actual[q][q]) / (t - 1);
            float[] want = GradientRollout.row(meanPositive[q], q);
            assertThat(actual[q]).as("grad_rollout row %d", q).hasSize(q + 1);
            for (int k = 0; k <= q; k++) {
                assertThat((double) actual[q][k])
                        .as("grad_rollout[%d][%d]", q, k)
                        .isCloseTo(want[k], within(ROLLOUT_ABS));
            }
        }
        assertThat(spread).as("mean grad_rollout mass off the query").isGreaterThanOrEqualTo(minSpread);
    }
}
