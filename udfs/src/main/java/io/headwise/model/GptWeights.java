package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.headwise.BadInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * The tensors of a GPT-2 model under their Hugging Face names, checked against a {@link
 * GptConfig}: every tensor present, of the right shape, float32, and nothing unexpected.
 *
 * <p>Conv1D orientation, as in Hugging Face: {@code y = x·W + b}, so {@code c_attn.weight} is
 * {@code [C, 3C]}, {@code c_fc.weight} {@code [C, F]} and {@code mlp.c_proj.weight} {@code [F, C]}.
 * {@code lm_head.weight} ({@code [V, C]}) exists only when the head is not tied to {@code wte}.
 */
public final class GptWeights {

    private final GptConfig config;
    private final Map<String, NDArray> tensors;

    private GptWeights(GptConfig config, Map<String, NDArray> tensors) {
        this.config = config;
        this.tensors = Collections.unmodifiableMap(tensors);
    }

    /**
     * Checks {@code tensors} against {@code config} and wraps them.
     *
     * @param source what the tensors came from, for messages (a file name)
     * @throws BadInputException naming the first missing, unexpected or mis-shaped tensor
     */
    public static GptWeights of(GptConfig config, Map<String, NDArray> tensors, String source) {
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, DataType> types = new LinkedHashMap<>();
        tensors.forEach((name, array) -> {
            shapes.put(name, array.getShape());
            types.put(name, array.getDataType());
        });
        checkLayout(config, shapes, types, source);
        Map<String, NDArray> ordered = new LinkedHashMap<>();
        for (String name : expectedShapes(config).keySet()) {
            NDArray array = tensors.get(name);
            array.setName(name);
            ordered.put(name, array);
        }
        return new GptWeights(config, ordered);
    }

    /**
     * Checks that tensors of these names, shapes and types make a model with {@code config}: no
     * tensor missing, none extra, every shape as {@link #expectedShapes}, every type float32.
     *
     * @throws BadInputException naming {@code source} and the first tensor at fault
     */
    public static void checkLayout(
            GptConfig config, Map<String, Shape> shapes, Map<String, DataType> types, String source) {
        Map<String, Shape> expected = expectedShapes(config);
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        missing.removeAll(shapes.keySet());
        if (!missing.isEmpty()) {
            throw new BadInputException(
                    "%s: missing tensor %s (%d missing in all)", source, missing.first(), missing.size());
        }
        TreeSet<String> extra = new TreeSet<>(shapes.keySet());
        extra.removeAll(expected.keySet());
        if (!extra.isEmpty()) {
            throw new BadInputException(
                    "%s: unexpected tensor %s for a %d-layer model%s",
                    source,
                    extra.first(),
                    config.nLayer(),
                    extra.first().equals("lm_head.weight") ? " with tie_word_embeddings=true" : "");
        }
        for (Map.Entry<String, Shape> e : expected.entrySet()) {
            Shape shape = shapes.get(e.getKey());
            if (!shape.equals(e.getValue())) {
                throw new BadInputException(
                        "%s: tensor %s has shape %s, config.json implies %s", source, e.getKey(), shape, e.getValue());
            }
            if (types.get(e.getKey()) != DataType.FLOAT32) {
                throw new BadInputException(
                        "%s: tensor %s is %s, expected float32", source, e.getKey(), types.get(e.getKey()));
            }
        }
    }

    /** How {@link #random} draws a new model's weights. */
    public enum Init {
        /**
         * GPT-2's and nanoGPT's: N(0, 0.02) for every weight and embedding, N(0, 0.02/√(2L)) for
         * the projections into the residual stream ({@code attn.c_proj}, {@code mlp.c_proj}), zero
         * biases.
         */
        GPT2("gpt2"),
        /**
         * PyTorch's module defaults, which makemore's transformer trains from: N(0, 1) for {@code
         * wte} and {@code wpe} ({@code nn.Embedding}); U(−1/√fan_in, 1/√fan_in) for every linear
         * weight and bias, {@code lm_head} included ({@code nn.Linear}, fan_in its input width).
         */
        PYTORCH("pytorch");

        private final String cliName;

        Init(String cliName) {
            this.cliName = cliName;
        }

        /** The name on the command line, in presets and in config.json. */
        public String cliName() {
            return cliName;
        }

        /** The scheme called {@code name}; {@code what} names the option or key in the error. */
        public static Init parse(String name, String what) {
            for (Init init : values()) {
                if (init.cliName.equals(name)) {
                    return init;
                }
            }
            throw new BadInputException("%s must be gpt2 or pytorch, got '%s'", what, name);
        }
    }

    /** {@link #random(GptConfig, NDManager, long, Init)} with GPT-2's initialisation. */
    public static GptWeights random(GptConfig config, NDManager manager, long seed) {
        return random(config, manager, seed, Init.GPT2);
    }

    /**
     * A new model with random weights drawn by {@code init}; LayerNorm gains are 1 and their biases
     * 0 in both schemes. Drawn on the host from {@code seed}, so the same seed gives the same model
     * on any engine or device.
     */
    public static GptWeights random(GptConfig config, NDManager manager, long seed, Init init) {
        Random random = new Random(seed);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        Map<String, Shape> shapes = expectedShapes(config);
        double residStd = 0.02 / Math.sqrt(2.0 * config.nLayer());
        for (Map.Entry<String, Shape> e : shapes.entrySet()) {
            String name = e.getKey();
            Shape shape = e.getValue();
            float[] values = new float[Math.toIntExact(shape.size())];
            if (name.startsWith("ln") || name.contains(".ln_")) {
                if (name.endsWith(".weight")) {
                    java.util.Arrays.fill(values, 1f);
                }
            } else if (init == Init.PYTORCH) {
                if (name.equals("wte.weight") || name.equals("wpe.weight")) {
                    fillGaussian(values, random, 1.0);
                } else {
                    // Conv1D weights are [in, out]; lm_head is nn.Linear's [out, in]; a bias has its weight's fan-in.
                    Shape weight =
                            shapes.get(name.endsWith(".bias") ? name.substring(0, name.length() - 4) + "weight" : name);
                    long fanIn = name.equals("lm_head.weight") ? weight.get(1) : weight.get(0);
                    double bound = 1 / Math.sqrt(fanIn);
                    for (int i = 0; i < values.length; i++) {
                        values[i] = (float) ((2 * random.nextDouble() - 1) * bound);
                    }
                }
            } else if (name.endsWith(".weight")) {
                fillGaussian(values, random, name.endsWith("c_proj.weight") ? residStd : 0.02);
            }
            tensors.put(name, manager.create(values, shape));
        }
        return of(config, tensors, "random init");
    }

    private static void fillGaussian(float[] values, Random random, double std) {
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
    }

    /** Hugging Face names and shapes of every tensor a model with {@code config} has, in order. */
    public static Map<String, Shape> expectedShapes(GptConfig config) {
        long c = config.nEmbd();
        long f = config.dMlp();
        Map<String, Shape> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new Shape(config.vocabSize(), c));
        shapes.put("wpe.weight", new Shape(config.nPositions(), c));
        for (int i = 0; i < config.nLayer(); i++) {
            String p = "h." + i + ".";
            shapes.put(p + "ln_1.weight", new Shape(c));
            shapes.put(p + "ln_1.bias", new Shape(c));
            shapes.put(p + "attn.c_attn.weight", new Shape(c, 3 * c));
            shapes.put(p + "attn.c_attn.bias", new Shape(3 * c));
            shapes.put(p + "attn.c_proj.weight", new Shape(c, c));
            shapes.put(p + "attn.c_proj.bias", new Shape(c));
            shapes.put(p + "ln_2.weight", new Shape(c));
            shapes.put(p + "ln_2.bias", new Shape(c));
            shapes.put(p + "mlp.c_fc.weight", new Shape(c, f));
            shapes.put(p + "mlp.c_fc.bias", new Shape(f));
            shapes.put(p + "mlp.c_proj.weight", new Shape(f, c));
            shapes.put(p + "mlp.c_proj.bias", new Shape(c));
        }
        shapes.put("ln_f.weight", new Shape(c));
        shapes.put("ln_f.bias", new Shape(c));
        if (!config.tieWordEmbeddings()) {
            shapes.put("lm_head.weight", new Shape(config.vocabSize(), c));
        }
        return shapes;
    }

    public GptConfig config() {
        return config;
    }

    /** The tensor named {@code name} (a Hugging Face name such as {@code h.0.ln_1.weight}). */
    public NDArray get(String name) {
        NDArray array = tensors.get(name);
        if (array == null) {
            throw new IllegalArgumentException("no tensor named " + name);
        }
        return array;
    }

    /** Block {@code layer}'s tensor {@code name}, e.g. {@code block(0, "attn.c_attn.weight")}. */
    public NDArray block(int layer, String name) {
        return get("h." + layer + "." + name);
    }

    /** {@code [V, C]}: the LM head's matrix, {@code wte} itself when tied. */
    public NDArray lmHead() {
        return config.tieWordEmbeddings() ? get("wte.weight") : get("lm_head.weight");
    }

    /** Every tensor, in Hugging Face order (the trainable parameters). */
    public List<NDArray> parameters() {
        return new ArrayList<>(tensors.values());
    }

    /** Name → tensor, in Hugging Face order. */
    public Map<String, NDArray> asMap() {
        return tensors;
    }
}
