package io.headwise.report;

import io.headwise.model.GptConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a GPT-2 model the report's 3-D architecture view draws, bottom to top, each with
 * its parameter count (Hugging Face GPT-2 tensors): the embeddings, per block its layer norms,
 * each head, the attention output bias, the MLP, then {@code ln_f} and the unembedding. The
 * residual stream runs through all of them and has no parameters of its own.
 *
 * <p>A head owns its columns of {@code c_attn} ({@code W_Q, W_K, W_V}: {@code 3·C·d} weights and
 * {@code 3·d} biases) and its rows of {@code c_proj.weight} ({@code d·C}); {@code c_proj}'s bias
 * ({@code C}) belongs to no head. The parts add up to {@link GptConfig#parameterCount()}.
 *
 * @param parts bottom to top
 */
public record ModelArchitecture(List<Part> parts) {

    /**
     * One part.
     *
     * @param kind {@code embedding}, {@code norm}, {@code head}, {@code attention_bias}, {@code mlp}
     *     or {@code unembedding}
     * @param name what it is, e.g. {@code wte} or {@code L2 H5}
     * @param layer its block, or −1 outside the blocks
     * @param head its head, or −1 for anything but a head
     * @param parameters its parameter count (0 for an unembedding tied to {@code wte})
     */
    public record Part(String kind, String name, int layer, int head, long parameters) {}

    public ModelArchitecture {
        parts = List.copyOf(parts);
    }

    /** The parts of a model with {@code config}. */
    public static ModelArchitecture of(GptConfig config) {
        long c = config.nEmbd();
        long d = config.dHead();
        long f = config.dMlp();
        long v = config.vocabSize();
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("embedding", "wte (token embedding)", -1, -1, v * c));
        parts.add(new Part("embedding", "wpe (position embedding)", -1, -1, (long) config.nPositions() * c));
        for (int l = 0; l < config.nLayer(); l++) {
            parts.add(new Part("norm", "L" + l + " ln_1", l, -1, 2 * c));
            for (int h = 0; h < config.nHead(); h++) {
                parts.add(new Part("head", "L" + l + " H" + h, l, h, 3 * c * d + 3 * d + d * c));
            }
            parts.add(new Part("attention_bias", "L" + l + " attn c_proj bias", l, -1, c));
            parts.add(new Part("norm", "L" + l + " ln_2", l, -1, 2 * c));
            parts.add(new Part("mlp", "L" + l + " MLP c_fc + c_proj", l, -1, c * f + f + f * c + c));
        }
        parts.add(new Part("norm", "ln_f", -1, -1, 2 * c));
        parts.add(new Part(
                "unembedding",
                config.tieWordEmbeddings() ? "unembedding (tied to wte)" : "unembedding lm_head",
                -1,
                -1,
                config.tieWordEmbeddings() ? 0 : v * c));
        return new ModelArchitecture(parts);
    }

    /** The sum of the parts. */
    public long totalParameters() {
        return parts.stream().mapToLong(Part::parameters).sum();
    }
}
