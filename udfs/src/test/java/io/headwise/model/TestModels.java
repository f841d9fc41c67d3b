package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** Small random models whose attention is peaked, for tests that must tell heads apart. */
final class TestModels {

    /** Multiplier of the attention and MLP matrices: GPT-2's N(0, 0.02) gives uniform patterns. */
    static final float BLOCK_SCALE = 30f;
    /** Multiplier of wte/wpe (and so of the tied logits), so the loss is far from ln V. */
    static final float EMBEDDING_SCALE = 20f;

    private TestModels() {}

    /** vocab 23, 20 positions, n_embd 12, 3 layers of 3 heads; tied. */
    static GptConfig tiny() {
        return GptConfig.of(23, 20, 12, 3, 3);
    }

    /** {@link #tiny()} with a separate lm_head.weight, other start/end ids and an MLP of 20, not 4·12. */
    static GptConfig tinyUntied() {
        return new GptConfig(23, 20, 12, 3, 3, 1e-5, false, 1, 2).withMlpWidth(20);
    }

    /** {@link #tiny()} with Hugging Face's other attention scaling (not by √D, by 1/(l + 1)) and the exact GELU. */
    static GptConfig tinyScaled() {
        return tiny().withAttentionScaling(false, true).withActivation(MlpActivation.GELU);
    }

    /**
     * {@link GptWeights#random} with the block matrices scaled by {@link #BLOCK_SCALE} and the
     * embeddings by {@link #EMBEDDING_SCALE}; biases and LayerNorm gains get small random values
     * too, so that a swapped or ignored bias shows.
     */
    static GptWeights peaked(GptConfig config, NDManager manager, long seed) {
        Random random = new Random(seed ^ 0x5eed);
        Map<String, NDArray> scaled = new LinkedHashMap<>();
        try (NDManager scratch = manager.newSubManager()) {
            GptWeights base = GptWeights.random(config, scratch, seed);
            for (Map.Entry<String, NDArray> e : base.asMap().entrySet()) {
                String name = e.getKey();
                float[] values = e.getValue().toFloatArray();
                float scale = factor(name);
                boolean norm = name.startsWith("ln_f") || name.contains(".ln_");
                for (int i = 0; i < values.length; i++) {
                    if (norm || name.endsWith(".bias")) {
                        values[i] += (float) (0.1 * random.nextGaussian());
                    } else {
                        values[i] *= scale;
                    }
                }
                scaled.put(name, manager.create(values, e.getValue().getShape()));
            }
        }
        return GptWeights.of(config, scaled, "peaked random init");
    }

    /** Name → row-major values on the host. */
    static Map<String, float[]> host(GptWeights weights) {
        Map<String, float[]> out = new LinkedHashMap<>();
        weights.asMap().forEach((name, array) -> out.put(name, array.toFloatArray()));
        return out;
    }

    static NaiveGpt naive(GptWeights weights) {
        return new NaiveGpt(weights.config(), host(weights));
    }

    /** {@code n} ids drawn uniformly from the vocabulary. */
    static int[] randomIds(GptConfig config, int n, long seed) {
        Random random = new Random(seed);
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(config.vocabSize());
        }
        return ids;
    }

    private static float factor(String name) {
        if (name.startsWith("wte") || name.startsWith("wpe") || name.startsWith("lm_head")) {
            return EMBEDDING_SCALE;
        }
        return BLOCK_SCALE;
    }
}
