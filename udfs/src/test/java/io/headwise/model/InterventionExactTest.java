package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Interventions whose answer is known without running the model: models edited by hand so that an
 * ablation or a merge cannot change anything, or changes the model into one a few lines compute.
 * Each case also checks that the same intervention does change the loss where it should, so that
 * a pass that ignored its interventions would fail.
 */
class InterventionExactTest {

    private static final GptConfig CONFIG = TestModels.tiny(); // 3 layers of 3 heads, C = 12, D = 4

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static List<int[]> samples(GptConfig config) {
        return List.of(NaiveGptAgreementTest.samples(config));
    }

    @Test
    void zeroAblationOfAHeadThatWritesNothingChangesNothing() {
        GptWeights original = TestModels.peaked(CONFIG, manager, 42);
        int c = CONFIG.nEmbd();
        int d = CONFIG.dHead();
        // Rows 2·D … 3·D − 1 of c_proj.weight are W_O of head 2.
        GptWeights silent = edited(original, "h.1.attn.c_proj.weight", w -> {
            for (int row = 2 * d; row < 3 * d; row++) {
                java.util.Arrays.fill(w, row * c, (row + 1) * c, 0f);
            }
        });
        Intervention zero = Intervention.parse("zero 1.2", CONFIG);
        for (double delta : deltas(silent, zero, null)) {
            assertThat(delta).isEqualTo(0.0);
        }
        assertThat(maxAbs(deltas(original, zero, null))).isGreaterThan(1e-3);
    }

    @Test
    void mergingAHeadWithItselfChangesNothing() {
        GptWeights weights = TestModels.peaked(CONFIG, manager, 42);
        for (String spec : List.of("merge 1.1+1@0.3", "merge 0.2+2", "merge 2.0+0@1")) {
            for (double delta : deltas(weights, Intervention.parse(spec, CONFIG), null)) {
                assertThat(delta).as(spec).isEqualTo(0.0);
            }
        }
        assertThat(maxAbs(deltas(weights, Intervention.parse("merge 1.1+2@0.3", CONFIG), null)))
                .isGreaterThan(1e-3);
    }

    @Test
    void meanAblationOfAHeadWithTheSameValueEverywhereChangesNothing() {
        GptWeights original = TestModels.peaked(CONFIG, manager, 42);
        int c = CONFIG.nEmbd();
        int d = CONFIG.dHead();
        // W_V of head 1.0 (columns 2C … 2C + D − 1 of c_attn) zero: v = b_V at every position, so
        // z = Σ_k A[q][k]·b_V = b_V everywhere, which is also z̄.
        GptWeights constant = edited(original, "h.1.attn.c_attn.weight", w -> {
            for (int row = 0; row < c; row++) {
                java.util.Arrays.fill(w, row * 3 * c + 2 * c, row * 3 * c + 2 * c + d, 0f);
            }
        });
        constant = edited(constant, "h.1.attn.c_attn.bias", b -> {
            float[] values = {1.5f, -2f, 0.75f, 3f};
            System.arraycopy(values, 0, b, 2 * c, d);
        });
        float[][][] zMean = new InterventionPass(new Gpt(constant), manager, 64)
                .zSum(samples(CONFIG))
                .mean();
        assertThat(zMean[1][0])
                .containsExactly(new float[] {1.5f, -2f, 0.75f, 3f}, org.assertj.core.data.Offset.offset(1e-6f));
        for (double delta : deltas(constant, Intervention.parse("mean 1.0", CONFIG), zMean)) {
            // Σ_k A[q][k] is 1 up to float32 rounding, so z equals b_V to ~1e-7.
            assertThat(delta).isCloseTo(0.0, within(1e-6));
        }
        assertThat(maxAbs(deltas(constant, Intervention.parse("zero 1.0", CONFIG), null)))
                .isGreaterThan(1e-3);
    }

    @Test
    void mergeWithAlphaOneGivesTheSecondHeadTheFirstHeadsPattern() {
        GptWeights weights = TestModels.peaked(CONFIG, manager, 42);
        int[] ids = samples(CONFIG).get(1);
        int t = ids.length;
        List<Intervention> interventions = List.of(Intervention.none(), Intervention.parse("merge 1.0+2@1", CONFIG));
        try (NDManager batch = manager.newSubManager()) {
            NDArray rows = batch.create(NaiveGptAgreementTest.toLongs(ids), new Shape(1, t))
                    .tile(new long[] {2, 1});
            HeadEdits edits = HeadEdits.of(interventions, 1, CONFIG, null, batch);
            Gpt gpt = new Gpt(weights);
            GptOutput out = gpt.forward(gpt.embed(rows), null, edits, false);
            // Layer 2 reads what the merge changed; layers 0 and 1 compute their patterns before it.
            for (int l = 0; l < 2; l++) {
                float[][][] base = patterns(out, l, 0, t);
                float[][][] merged = patterns(out, l, 1, t);
                for (int h = 0; h < CONFIG.nHead(); h++) {
                    int source = l == 1 && h == 2 ? 0 : h;
                    for (int q = 0; q < t; q++) {
                        assertThat(merged[h][q])
                                .as("pattern %d.%d row %d", l, h, q)
                                .containsExactly(base[source][q]);
                    }
                }
            }
            assertThat(patterns(out, 1, 0, t)[2][t - 1]).isNotEqualTo(patterns(out, 1, 0, t)[0][t - 1]);
        }
    }

    @Test
    void everyHeadOfAOneLayerModelAblatedLeavesTheMlpPath() {
        GptConfig config = GptConfig.of(23, 20, 12, 1, 3);
        GptWeights weights = TestModels.peaked(config, manager, 7);
        Intervention all = Intervention.parse("zero 0.0 & zero 0.1 & zero 0.2", config);
        List<int[]> batch = samples(config);
        float[][][] losses = new InterventionPass(new Gpt(weights), manager, 64)
                .tokenLosses(batch, List.of(Intervention.none(), all), null);
        Map<String, float[]> w = TestModels.host(weights);
        for (int s = 0; s < batch.size(); s++) {
            double[] expected = mlpOnlyLosses(w, config, batch.get(s));
            double furthest = 0;
            for (int q = 0; q < expected.length; q++) {
                assertThat((double) losses[1][s][q])
                        .as("loss[%d] of sample %d", q, s)
                        .isCloseTo(expected[q], within(1e-5));
                furthest = Math.max(furthest, Math.abs(losses[0][s][q] - expected[q]));
            }
            assertThat(furthest).as("attention changes sample %d's losses", s).isGreaterThan(1e-2);
        }
    }

    /**
     * A one-layer GPT-2 whose attention writes only its output bias, by hand: {@code x = wte[x_t]
     * + wpe[t] + b_O}, {@code x += gelu_new(ln_2(x)·W_fc + b_fc)·W_proj + b_proj}, logits {@code =
     * ln_f(x)·wteᵀ}.
     */
    private static double[] mlpOnlyLosses(Map<String, float[]> w, GptConfig config, int[] ids) {
        int c = config.nEmbd();
        int f = config.dMlp();
        int v = config.vocabSize();
        double[] losses = new double[ids.length - 1];
        for (int t = 0; t + 1 < ids.length; t++) {
            double[] x = new double[c];
            for (int i = 0; i < c; i++) {
                x[i] = w.get("wte.weight")[ids[t] * c + i]
                        + w.get("wpe.weight")[t * c + i]
                        + w.get("h.0.attn.c_proj.bias")[i];
            }
            double[] normed = layerNorm(x, w.get("h.0.ln_2.weight"), w.get("h.0.ln_2.bias"), config);
            double[] hidden = new double[f];
            for (int j = 0; j < f; j++) {
                double s = w.get("h.0.mlp.c_fc.bias")[j];
                for (int i = 0; i < c; i++) {
                    s += normed[i] * w.get("h.0.mlp.c_fc.weight")[i * f + j];
                }
                hidden[j] = NaiveGpt.geluNew(s);
            }
            for (int i = 0; i < c; i++) {
                double s = w.get("h.0.mlp.c_proj.bias")[i];
                for (int j = 0; j < f; j++) {
                    s += hidden[j] * w.get("h.0.mlp.c_proj.weight")[j * c + i];
                }
                x[i] += s;
            }
            double[] out = layerNorm(x, w.get("ln_f.weight"), w.get("ln_f.bias"), config);
            double[] logits = new double[v];
            for (int j = 0; j < v; j++) {
                for (int i = 0; i < c; i++) {
                    logits[j] += out[i] * w.get("wte.weight")[j * c + i];
                }
            }
            losses[t] = NaiveGpt.logSumExp(logits) - logits[ids[t + 1]];
        }
        return losses;
    }

    private static double[] layerNorm(double[] x, float[] gamma, float[] beta, GptConfig config) {
        double mean = java.util.Arrays.stream(x).average().orElseThrow();
        double var = java.util.Arrays.stream(x)
                .map(a -> (a - mean) * (a - mean))
                .average()
                .orElseThrow();
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + config.layerNormEpsilon()) * gamma[i] + beta[i];
        }
        return y;
    }

    /** Δ of each sample of {@link #samples} under {@code intervention}, from one batch with the base. */
    private static double[] deltas(GptWeights weights, Intervention intervention, float[][][] zMean) {
        List<int[]> batch = samples(weights.config());
        float[][][] losses = new InterventionPass(new Gpt(weights), manager, 64)
                .tokenLosses(batch, List.of(Intervention.none(), intervention), zMean);
        double[] deltas = new double[batch.size()];
        for (int s = 0; s < batch.size(); s++) {
            deltas[s] = InterventionPass.meanLoss(losses[1][s]) - InterventionPass.meanLoss(losses[0][s]);
        }
        return deltas;
    }

    private static double maxAbs(double[] values) {
        return java.util.Arrays.stream(values).map(Math::abs).max().orElseThrow();
    }

    /** Row {@code row}'s patterns of layer {@code l}, {@code [H][T][T]}. */
    private static float[][][] patterns(GptOutput out, int l, int row, int t) {
        float[] data = out.patterns().get(l).get(row).toFloatArray();
        int nHead = CONFIG.nHead();
        float[][][] result = new float[nHead][t][t];
        for (int h = 0; h < nHead; h++) {
            for (int q = 0; q < t; q++) {
                System.arraycopy(data, (h * t + q) * t, result[h][q], 0, t);
            }
        }
        return result;
    }

    /** A copy of {@code weights} with {@code name}'s values changed by {@code edit}. */
    private static GptWeights edited(GptWeights weights, String name, Consumer<float[]> edit) {
        Map<String, NDArray> tensors = new LinkedHashMap<>(weights.asMap());
        NDArray old = tensors.get(name);
        float[] values = old.toFloatArray();
        edit.accept(values);
        tensors.put(name, manager.create(values, old.getShape()));
        return GptWeights.of(weights.config(), tensors, "edited by hand");
    }
}
