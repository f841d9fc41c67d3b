package io.headwise.report;

import io.headwise.model.GptConfig;
import java.util.List;

/**
 * The model at the top of a report: its sizes and the parameter count of each component.
 *
 * @param directory the model directory as given
 * @param config its hyper-parameters
 * @param charLevel whether its tokenizer is char-level (makemore-style names models)
 * @param components parameter counts per component; they add up to {@link
 *     GptConfig#parameterCount()}
 */
public record ModelSummary(String directory, GptConfig config, boolean charLevel, List<Component> components) {

    /**
     * One component of the model.
     *
     * @param name what it is, e.g. {@code attention (c_attn, c_proj)}
     * @param shape its tensors' shapes in words, e.g. {@code 4 × ([C, 3C] + [C, C] + biases)}
     * @param parameters how many parameters it has over all layers
     */
    public record Component(String name, String shape, long parameters) {}

    public ModelSummary {
        components = List.copyOf(components);
    }

    /** The summary of a model with {@code config}; counts follow the Hugging Face GPT-2 tensors. */
    public static ModelSummary of(String directory, GptConfig config, boolean charLevel) {
        long c = config.nEmbd();
        long l = config.nLayer();
        long attention = l * config.blockAttentionParameters();
        long mlp = l * config.blockMlpParameters();
        long norms = l * 2 * (2 * c) + 2 * c;
        String layers = l + " × ";
        List<Component> components = new java.util.ArrayList<>(List.of(
                new Component(
                        "token embedding wte",
                        "[V, C] = [" + config.vocabSize() + ", " + c + "]",
                        config.vocabSize() * c),
                new Component(
                        "position embedding wpe",
                        "[n_positions, C] = [" + config.nPositions() + ", " + c + "]",
                        config.nPositions() * c),
                new Component("attention c_attn + c_proj", layers + "([C, 3C] + [C, C] + biases)", attention),
                new Component(
                        "MLP c_fc + c_proj",
                        layers
                                + (config.defaultMlpWidth()
                                        ? "([C, 4C] + [4C, C] + biases)"
                                        : "([C, F] + [F, C] + biases), F = " + config.dMlp()),
                        mlp),
                new Component("layer norms ln_1, ln_2, ln_f", "(2L + 1) × 2C", norms)));
        if (!config.tieWordEmbeddings()) {
            components.add(new Component("LM head (untied)", "[V, C]", config.vocabSize() * c));
        } else {
            components.add(new Component("LM head (tied to wte)", "shares wte", 0));
        }
        return new ModelSummary(directory, config, charLevel, components);
    }

    /** The sum of the components. */
    public long totalParameters() {
        return components.stream().mapToLong(Component::parameters).sum();
    }
}
