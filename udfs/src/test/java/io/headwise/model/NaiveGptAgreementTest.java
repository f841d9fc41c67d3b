package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DJL model ({@link Gpt}, {@link Analyzer}) against {@link NaiveGpt}, an independent double
 * precision implementation, on small random models with peaked attention; tied and untied LM head.
 */
class NaiveGptAgreementTest {

    /**
     * float32 against double: absolute on probabilities, losses and logits, and relative to the
     * magnitude (absolute below 1) on the residual stream and MLP activations, which grow to ~10
     * over the layers: a float32 sum of that size carries ~1e-6 of rounding per operation, and
     * the kernels libtorch picks (AVX2, AVX-512) round differently.
     */
    private static final double ABS = 1e-5;
    /** float32 autograd against double finite differences; see {@link #STEP}. */
    private static final double GRAD_REL = 1e-3;
    /**
     * Central-difference step. Truncation error is h²/6·|L'''| ≈ 1e-9·|L'''|; rounding error is
     * about ε_double·|L|/h ≈ 1e-16·5/1e-4 = 5e-12. Both are orders of magnitude below float32
     * autograd's own error (≈1e-6 relative), so the tolerance measures the DJL gradient alone.
     * A larger step (1e-2) would let the curvature of these peaked softmaxes show; a much smaller
     * one (1e-8) would leave only a few significant digits of the loss difference.
     */
    private static final double STEP = 1e-4;

    private static final int TOP_K = 8;
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
                Arguments.of("tied", TestModels.tiny()),
                Arguments.of("untied", TestModels.tinyUntied()),
                Arguments.of("scaled", TestModels.tinyScaled()));
    }

    static int[][] samples(GptConfig config) {
        return new int[][] {TestModels.randomIds(config, config.nPositions(), 1), TestModels.randomIds(config, 9, 2)};
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void patternsAreFarFromUniform(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt.Result ref = TestModels.naive(weights).forward(samples(config)[0]);
        int heads = config.nLayer() * config.nHead();
        double meanMaxWeight = 0;
        double meanEntropy = 0;
        double uniformMaxWeight = 0;
        double uniformEntropy = 0;
        int t = ref.logits().length;
        for (int q = 1; q < t; q++) {
            uniformMaxWeight += 1.0 / (q + 1) / (t - 1);
            uniformEntropy += Math.log(q + 1) / (t - 1);
        }
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                double[][] a = ref.patterns()[l][h];
                double maxWeight = 0;
                double entropy = 0;
                for (int q = 1; q < t; q++) {
                    double max = 0;
                    for (int k = 0; k <= q; k++) {
                        max = Math.max(max, a[q][k]);
                        entropy -= a[q][k] > 0 ? a[q][k] * Math.log(a[q][k]) : 0;
                    }
                    maxWeight += max / (t - 1);
                }
                entropy /= t - 1;
                assertThat(maxWeight).as("mean max weight of head %d.%d", l, h).isGreaterThan(2 * uniformMaxWeight);
                meanMaxWeight += maxWeight / heads;
                meanEntropy += entropy / heads;
            }
        }
        // Uniform rows: max weight ≈ 0.19, entropy ≈ 2.1 nats.
        assertThat(meanMaxWeight).as("mean max weight over heads").isGreaterThan(0.5);
        assertThat(meanEntropy).as("mean entropy over heads").isLessThan(0.5 * uniformEntropy);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void forwardAgrees(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        for (int[] ids : samples(config)) {
            try (NDManager batch = manager.newSubManager()) {
                GptOutput out = new Gpt(weights).forward(batch.create(toLongs(ids), new Shape(1, ids.length)));
                assertForwardAgrees(out, naive.forward(ids), config, ids.length);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void gatedForwardFromGivenEmbeddingsAgrees(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        Random random = new Random(7);
        int[] ids = samples(config)[0];
        int t = ids.length;
        int c = config.nEmbd();
        float[] embeddings = new float[t * c];
        double[][] e = new double[t][c];
        for (int i = 0; i < embeddings.length; i++) {
            embeddings[i] = (float) random.nextGaussian();
            e[i / c][i % c] = embeddings[i];
        }
        float[] gates = new float[config.nLayer() * config.nHead()];
        double[][] m = new double[config.nLayer()][config.nHead()];
        for (int i = 0; i < gates.length; i++) {
            gates[i] = i == 1 ? 0f : (float) (2 * random.nextDouble());
            m[i / config.nHead()][i % config.nHead()] = gates[i];
        }
        try (NDManager batch = manager.newSubManager()) {
            GptOutput out = new Gpt(weights)
                    .forward(
                            batch.create(embeddings, new Shape(1, t, c)),
                            batch.create(gates, new Shape(1, config.nLayer(), config.nHead())),
                            false);
            assertForwardAgrees(out, naive.forward(ids, e, m), config, t);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void analyzerAgrees(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        Analyzer analyzer = new Analyzer(new Gpt(weights), manager, TOP_K, false);
        for (int[] ids : samples(config)) {
            SampleResult r = analyzer.analyze(List.of(ids)).get(0);
            NaiveGpt.Result ref = naive.forward(ids);
            int t = ids.length;
            for (int l = 0; l < config.nLayer(); l++) {
                for (int h = 0; h < config.nHead(); h++) {
                    for (int q = 0; q < t; q++) {
                        assertThat(r.patterns()[l][h][q]).hasSize(q + 1);
                        for (int k = 0; k <= q; k++) {
                            assertClose(
                                    r.patterns()[l][h][q][k],
                                    ref.patterns()[l][h][q][k],
                                    ABS,
                                    "pattern[%d][%d][%d][%d]",
                                    l,
                                    h,
                                    q,
                                    k);
                        }
                    }
                }
                for (int h = 0; h < config.nHead(); h++) {
                    assertCloseScaled(r.outputNorm()[l][h], ref.outputNorm()[l][h], "output_norm[%d][%d]", l, h);
                }
                for (int q = 0; q < t; q++) {
                    assertCloseScaled(r.residNorm()[l][q], norm(ref.residPost()[l][q]), "resid_norm[%d][%d]", l, q);
                    assertTopK(
                            r.mlpTopIds()[l][q],
                            r.mlpTopValues()[l][q],
                            ref.mlpPost()[l][q],
                            "mlp[" + l + "][" + q + "]");
                }
            }
            assertThat(r.loss()).hasSize(t - 1);
            for (int q = 0; q < t - 1; q++) {
                assertClose(r.loss()[q], ref.losses()[q], ABS, "loss[%d]", q);
            }
            assertClose(r.meanLoss(), ref.meanLoss(), ABS, "mean loss");
            double[] last = ref.logits()[t - 1];
            int best = argMax(last);
            assertThat(r.nextTokenId()).isEqualTo(best);
            assertClose(r.nextTokenProb(), Math.exp(last[best] - NaiveGpt.logSumExp(last)), ABS, "next token prob");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void analyzerGradientsMatchFiniteDifferences(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        Analyzer analyzer = new Analyzer(new Gpt(weights), manager, TOP_K, true);
        for (int[] ids : samples(config)) {
            SampleResult r = analyzer.analyze(List.of(ids)).get(0);
            double[][] e = naive.embed(ids);
            double[][] grad = embeddingGradient(naive, ids, e);
            for (int t = 0; t < ids.length; t++) {
                double gradNorm = norm(grad[t]);
                double gradX = 0;
                for (int c = 0; c < e[t].length; c++) {
                    gradX += grad[t][c] * e[t][c];
                }
                assertRelative(r.gradNorm()[t], gradNorm, gradNorm, "grad_norm[%d]", t);
                // A dot product can cancel to ~0: measure its error against ‖g‖·‖e‖.
                assertRelative(r.gradXInput()[t], gradX, gradNorm * norm(e[t]), "grad_x_input[%d]", t);
            }
            double[][] headGrad = gateGradient(naive, ids, e, config);
            double largest = 0;
            for (double[] row : headGrad) {
                for (double g : row) {
                    largest = Math.max(largest, Math.abs(g));
                }
            }
            for (int l = 0; l < config.nLayer(); l++) {
                for (int h = 0; h < config.nHead(); h++) {
                    double want = headGrad[l][h];
                    // Heads with a gradient a thousand times below the largest are judged on its scale.
                    assertRelative(
                            r.headGrad()[l][h],
                            want,
                            Math.max(Math.abs(want), 1e-3 * largest),
                            "head_grad[%d][%d]",
                            l,
                            h);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void embeddingGradientMatchesFiniteDifferencesCoordinatewise(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, SEED);
        NaiveGpt naive = TestModels.naive(weights);
        int[] ids = samples(config)[0];
        int t = ids.length;
        int c = config.nEmbd();
        double[][] want = embeddingGradient(naive, ids, naive.embed(ids));
        float[] actual;
        try (NDManager batch = manager.newSubManager();
                GradientScope scope = GradientScope.open(batch)) {
            Gpt gpt = new Gpt(weights);
            NDArray idArray = batch.create(toLongs(ids), new Shape(1, t));
            NDArray e = gpt.embed(idArray);
            e.setRequiresGradient(true);
            scope.backward(Gpt.tokenLosses(gpt.forward(e, null, false).logits(), idArray)
                    .mean());
            actual = e.getGradient().toFloatArray();
        }
        for (int q = 0; q < t; q++) {
            double scale = norm(want[q]);
            for (int i = 0; i < c; i++) {
                assertRelative(actual[q * c + i], want[q][i], scale, "dL/de[%d][%d]", q, i);
            }
        }
    }

    /** Central differences of the naive mean loss w.r.t. every coordinate of {@code e}. */
    static double[][] embeddingGradient(NaiveGpt naive, int[] ids, double[][] e) {
        double[][] grad = new double[e.length][e[0].length];
        for (int t = 0; t < e.length; t++) {
            for (int c = 0; c < e[t].length; c++) {
                double[][] plus = NaiveGpt.copy(e);
                double[][] minus = NaiveGpt.copy(e);
                plus[t][c] += STEP;
                minus[t][c] -= STEP;
                grad[t][c] = (naive.forward(ids, plus, null).meanLoss()
                                - naive.forward(ids, minus, null).meanLoss())
                        / (2 * STEP);
            }
        }
        return grad;
    }

    /** Central differences of the naive mean loss w.r.t. each head gate, at all gates = 1. */
    static double[][] gateGradient(NaiveGpt naive, int[] ids, double[][] e, GptConfig config) {
        double[][] grad = new double[config.nLayer()][config.nHead()];
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                double[][] plus = ones(config);
                double[][] minus = ones(config);
                plus[l][h] += STEP;
                minus[l][h] -= STEP;
                grad[l][h] = (naive.forward(ids, e, plus).meanLoss()
                                - naive.forward(ids, e, minus).meanLoss())
                        / (2 * STEP);
            }
        }
        return grad;
    }

    private static void assertForwardAgrees(GptOutput out, NaiveGpt.Result ref, GptConfig config, int t) {
        int v = config.vocabSize();
        int c = config.nEmbd();
        int f = config.dMlp();
        float[] logits = out.logits().toFloatArray();
        for (int q = 0; q < t; q++) {
            for (int j = 0; j < v; j++) {
                assertClose(logits[q * v + j], ref.logits()[q][j], ABS, "logit[%d][%d]", q, j);
            }
        }
        for (int l = 0; l < config.nLayer(); l++) {
            float[] pattern = out.patterns().get(l).toFloatArray();
            float[] resid = out.residPost().get(l).toFloatArray();
            float[] mlp = out.mlpPost().get(l).toFloatArray();
            for (int h = 0; h < config.nHead(); h++) {
                for (int q = 0; q < t; q++) {
                    for (int k = 0; k < t; k++) {
                        assertClose(
                                pattern[(h * t + q) * t + k],
                                ref.patterns()[l][h][q][k],
                                ABS,
                                "pattern[%d][%d][%d][%d]",
                                l,
                                h,
                                q,
                                k);
                    }
                }
            }
            for (int q = 0; q < t; q++) {
                // A residual value is a sum of terms as large as the row's largest value: a small
                // one after cancellation carries their float32 rounding.
                double rowScale = Arrays.stream(ref.residPost()[l][q])
                        .map(Math::abs)
                        .max()
                        .orElse(0);
                for (int i = 0; i < c; i++) {
                    assertClose(
                            resid[q * c + i],
                            ref.residPost()[l][q][i],
                            ABS * Math.max(1, rowScale),
                            "resid_post[%d][%d][%d]",
                            l,
                            q,
                            i);
                }
                for (int i = 0; i < f; i++) {
                    assertCloseScaled(mlp[q * f + i], ref.mlpPost()[l][q][i], "mlp_post[%d][%d][%d]", l, q, i);
                }
            }
        }
    }

    /**
     * The reported ids are distinct, their values are the reference activations of those neurons,
     * and the values are the reference's k largest in order. Near-ties may swap ids, not values.
     */
    private static void assertTopK(int[] ids, float[] values, double[] reference, String what) {
        assertThat(ids).as(what).hasSize(TOP_K).doesNotHaveDuplicates();
        double[] sorted = reference.clone();
        Arrays.sort(sorted);
        for (int k = 0; k < TOP_K; k++) {
            assertCloseScaled(values[k], sorted[sorted.length - 1 - k], "mlp_top_values %s[%d]", what, k);
            assertCloseScaled(values[k], reference[ids[k]], "mlp_top_ids %s neuron %d", what, ids[k]);
        }
    }

    /** |actual − expected| ≤ ABS·max(1, |expected|). */
    private static void assertCloseScaled(double actual, double expected, String what, Object... args) {
        assertClose(actual, expected, ABS * Math.max(1, Math.abs(expected)), what, args);
    }

    private static void assertClose(double actual, double expected, double tolerance, String what, Object... args) {
        // Checked by hand first: AssertJ's description formatting is too slow for ~10⁴ values.
        if (!(Math.abs(actual - expected) <= tolerance)) {
            assertThat(actual).as(what, args).isCloseTo(expected, within(tolerance));
        }
    }

    /**
     * |actual − expected| ≤ GRAD_REL·scale, scale being the magnitude the error is judged against
     * (zero only where the gradient is exactly zero, e.g. the last position's embedding).
     */
    private static void assertRelative(double actual, double expected, double scale, String what, Object... args) {
        if (scale == 0) {
            assertThat(actual).as(what, args).isZero();
            return;
        }
        if (!(Math.abs(actual - expected) <= GRAD_REL * scale)) {
            assertThat(actual)
                    .as(what + " (scale %s)", append(args, scale))
                    .isCloseTo(expected, within(GRAD_REL * scale));
        }
    }

    private static Object[] append(Object[] args, Object last) {
        Object[] out = Arrays.copyOf(args, args.length + 1);
        out[args.length] = last;
        return out;
    }

    private static double[][] ones(GptConfig config) {
        double[][] m = new double[config.nLayer()][config.nHead()];
        for (double[] row : m) {
            Arrays.fill(row, 1);
        }
        return m;
    }

    static double norm(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v * v;
        }
        return Math.sqrt(s);
    }

    static int argMax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }

    static long[] toLongs(int[] ids) {
        long[] out = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = ids[i];
        }
        return out;
    }
}
