package io.headwise.model;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The MLP's activation, by Hugging Face's {@code activation_function} names (its {@code ACT2FN}).
 * GPT-2 uses {@link #GELU_NEW}; the others load models of the same architecture that chose another
 * one (Cerebras-GPT, for one, uses the exact {@link #GELU}).
 */
public enum MlpActivation {
    /** {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}, GPT-2's tanh approximation of GELU. */
    GELU_NEW("gelu_new", "gelu_pytorch_tanh", "gelu_fast"),
    /** {@code 0.5·x·(1 + erf(x/√2))}, the exact GELU. */
    GELU("gelu", "gelu_python"),
    /** {@code max(x, 0)}. */
    RELU("relu"),
    /** {@code x·σ(x)}. */
    SILU("silu", "swish");

    private final List<String> names;

    MlpActivation(String... names) {
        this.names = List.of(names);
    }

    /** The name written into {@code config.json}. */
    public String huggingFaceName() {
        return names.get(0);
    }

    /** The activation Hugging Face calls {@code name}, if we compute it. */
    public static Optional<MlpActivation> fromHuggingFace(String name) {
        return Arrays.stream(values()).filter(a -> a.names.contains(name)).findFirst();
    }

    /** Every name {@link #fromHuggingFace} accepts. */
    public static List<String> huggingFaceNames() {
        return Arrays.stream(values()).flatMap(a -> a.names.stream()).toList();
    }

    /** The activation of {@code x}, element-wise, differentiable (constants from {@link Gpt#constant}). */
    NDArray apply(NDArray x) {
        return switch (this) {
            case GELU_NEW -> {
                NDArray cube = x.mul(x).mul(x);
                NDArray inner = cube.mul(Gpt.constant(x, 0.044715))
                        .add(x)
                        .mul(Gpt.constant(x, Math.sqrt(2.0 / Math.PI)))
                        .tanh();
                yield inner.add(Gpt.constant(x, 1)).mul(x).mul(Gpt.constant(x, 0.5));
            }
            case GELU ->
                x.div(Gpt.constant(x, Math.sqrt(2)))
                        .erf()
                        .add(Gpt.constant(x, 1))
                        .mul(x)
                        .mul(Gpt.constant(x, 0.5));
            case RELU -> x.maximum(Gpt.constant(x, 0));
            case SILU -> x.div(x.neg().exp().add(Gpt.constant(x, 1)));
        };
    }
}
