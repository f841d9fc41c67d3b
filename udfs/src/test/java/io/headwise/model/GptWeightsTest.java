package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.headwise.BadInputException;
import org.junit.jupiter.api.Test;

/** The two initialisation schemes of a new model, checked tensor by tensor. */
class GptWeightsTest {

    /** 2 layers, 64 wide (MLP 256), untied head: every kind of tensor, with two fan-ins (64, 256). */
    private static final GptConfig CONFIG =
            new GptConfig(27, 16, 64, 2, 4, GptConfig.LAYER_NORM_EPSILON_DEFAULT, false, 0, 0);

    @Test
    void pytorchInitIsPyTorchsModuleDefaults() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights w = GptWeights.random(CONFIG, manager, 7, GptWeights.Init.PYTORCH);
            // nn.Embedding: N(0, 1).
            assertGaussian(values(w, "wte.weight"), 1.0);
            assertGaussian(values(w, "wpe.weight"), 1.0);
            // nn.Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for weight and bias; fan_in 64 except mlp.c_proj's 256.
            for (int l = 0; l < 2; l++) {
                String p = "h." + l + ".";
                assertUniform(values(w, p + "attn.c_attn.weight"), 1 / 8.0);
                assertUniform(values(w, p + "attn.c_attn.bias"), 1 / 8.0);
                assertUniform(values(w, p + "attn.c_proj.weight"), 1 / 8.0);
                assertUniform(values(w, p + "attn.c_proj.bias"), 1 / 8.0);
                assertUniform(values(w, p + "mlp.c_fc.weight"), 1 / 8.0);
                assertUniform(values(w, p + "mlp.c_fc.bias"), 1 / 8.0);
                assertUniform(values(w, p + "mlp.c_proj.weight"), 1 / 16.0);
                assertUniform(values(w, p + "mlp.c_proj.bias"), 1 / 16.0);
                assertLayerNorm(w, p + "ln_1");
                assertLayerNorm(w, p + "ln_2");
            }
            assertUniform(values(w, "lm_head.weight"), 1 / 8.0);
            assertLayerNorm(w, "ln_f");
        }
    }

    @Test
    void gpt2InitIsTheDefaultAndGpt2s() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights w = GptWeights.random(CONFIG, manager, 7);
            GptWeights explicit = GptWeights.random(CONFIG, manager, 7, GptWeights.Init.GPT2);
            for (String name : GptWeights.expectedShapes(CONFIG).keySet()) {
                assertThat(values(w, name)).as(name).containsExactly(values(explicit, name));
            }
            assertGaussian(values(w, "wte.weight"), 0.02);
            assertGaussian(values(w, "h.0.attn.c_attn.weight"), 0.02);
            assertGaussian(values(w, "h.1.mlp.c_fc.weight"), 0.02);
            assertGaussian(values(w, "h.0.mlp.c_proj.weight"), 0.02 / Math.sqrt(4));
            assertThat(values(w, "h.0.attn.c_attn.bias")).containsOnly(0f);
            assertThat(values(w, "h.1.mlp.c_proj.bias")).containsOnly(0f);
            assertLayerNorm(w, "h.0.ln_1");
        }
    }

    @Test
    void theSeedDecidesTheWeights() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] a =
                    values(GptWeights.random(CONFIG, manager, 7, GptWeights.Init.PYTORCH), "h.0.attn.c_attn.weight");
            float[] b =
                    values(GptWeights.random(CONFIG, manager, 7, GptWeights.Init.PYTORCH), "h.0.attn.c_attn.weight");
            float[] c =
                    values(GptWeights.random(CONFIG, manager, 8, GptWeights.Init.PYTORCH), "h.0.attn.c_attn.weight");
            assertThat(a).containsExactly(b);
            assertThat(a).isNotEqualTo(c);
        }
    }

    @Test
    void initNamesParse() {
        assertThat(GptWeights.Init.parse("gpt2", "--init")).isEqualTo(GptWeights.Init.GPT2);
        assertThat(GptWeights.Init.parse("pytorch", "--init")).isEqualTo(GptWeights.Init.PYTORCH);
        assertThatThrownBy(() -> GptWeights.Init.parse("xavier", "--init"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--init must be gpt2 or pytorch, got 'xavier'");
    }

    private static float[] values(GptWeights w, String name) {
        return w.get(name).toFloatArray();
    }

    private static void assertGaussian(float[] v, double std) {
        double mean = mean(v);
        assertThat(mean).isCloseTo(0, within(4 * std / Math.sqrt(v.length)));
        assertThat(std(v, mean)).isCloseTo(std, within(0.06 * std));
    }

    /** Within ±bound, with a uniform's standard deviation bound/√3 (and reaching both ends when large). */
    private static void assertUniform(float[] v, double bound) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float x : v) {
            min = Math.min(min, x);
            max = Math.max(max, x);
        }
        assertThat(max).isLessThanOrEqualTo(bound);
        assertThat(min).isGreaterThanOrEqualTo(-bound);
        // Biases have 64 or 256 values: their spread is only roughly that of the distribution.
        boolean large = v.length >= 1000;
        if (large) {
            assertThat(max).isGreaterThan(0.99 * bound);
            assertThat(min).isLessThan(-0.99 * bound);
        }
        assertThat(std(v, mean(v)))
                .isCloseTo(bound / Math.sqrt(3), within((large ? 0.05 : 0.25) * bound / Math.sqrt(3)));
    }

    private static void assertLayerNorm(GptWeights w, String name) {
        assertThat(values(w, name + ".weight")).containsOnly(1f);
        assertThat(values(w, name + ".bias")).containsOnly(0f);
    }

    private static double mean(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x;
        }
        return sum / v.length;
    }

    private static double std(float[] v, double mean) {
        double sum = 0;
        for (float x : v) {
            sum += (x - mean) * (x - mean);
        }
        return Math.sqrt(sum / v.length);
    }
}
