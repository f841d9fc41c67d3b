package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MlpActivationTest {

    /** On a grid of [−6, 6] in float32, within float rounding of the double-precision formulas. */
    @ParameterizedTest
    @EnumSource(MlpActivation.class)
    void valuesAreHuggingFacesFormulas(MlpActivation activation) {
        float[] xs = new float[241];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -6f + i * 0.05f;
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] ys = activation.apply(manager.create(xs)).toFloatArray();
            for (int i = 0; i < xs.length; i++) {
                double expected = NaiveGpt.activation(activation, xs[i]);
                assertThat((double) ys[i])
                        .as("%s(%s)", activation, xs[i])
                        .isCloseTo(expected, within(2e-6 * Math.max(1, Math.abs(expected))));
            }
        }
    }

    @Test
    void theTwoGelusDifferAndTheApproximationIsClose() {
        // At x = 1: exact 0.8413447…, tanh approximation 0.8411920…
        assertThat(NaiveGpt.activation(MlpActivation.GELU, 1)).isCloseTo(0.8413447460685429, within(1e-12));
        assertThat(NaiveGpt.activation(MlpActivation.GELU_NEW, 1)).isCloseTo(0.8411919906082768, within(1e-12));
        assertThat(NaiveGpt.activation(MlpActivation.SILU, 1)).isCloseTo(0.7310585786300049, within(1e-12));
        assertThat(NaiveGpt.activation(MlpActivation.RELU, -1)).isZero();
    }

    @Test
    void huggingFaceNames() {
        assertThat(MlpActivation.fromHuggingFace("gelu_pytorch_tanh")).contains(MlpActivation.GELU_NEW);
        assertThat(MlpActivation.fromHuggingFace("gelu_fast")).contains(MlpActivation.GELU_NEW);
        assertThat(MlpActivation.fromHuggingFace("gelu_python")).contains(MlpActivation.GELU);
        assertThat(MlpActivation.fromHuggingFace("swish")).contains(MlpActivation.SILU);
        assertThat(MlpActivation.fromHuggingFace("mish")).isEmpty();
        assertThat(MlpActivation.GELU_NEW.huggingFaceName()).isEqualTo("gelu_new");
        assertThat(MlpActivation.huggingFaceNames())
                .containsExactly(
                        "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu", "gelu_python", "relu", "silu", "swish");
    }
}
