package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.BadInputException;
import io.headwise.Sha256;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A model directory in the Hugging Face GPT-2 layout (SPEC §2): {@code config.json}, {@code
 * model.safetensors} and {@code tokenizer.json}.
 *
 * <p>Reading accepts the names Hugging Face writes: an optional {@code transformer.} prefix, the
 * {@code attn.bias}/{@code attn.masked_bias} mask buffers (ignored), a redundant {@code
 * lm_head.weight} equal to {@code wte.weight} when tied. Half-precision tensors are widened to
 * float32. Writing produces exactly the names, shapes and config keys of {@code
 * GPT2LMHeadModel.save_pretrained}, so {@code from_pretrained} loads our directories.
 */
public final class Checkpoint {

    public static final String CONFIG_FILE = "config.json";
    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String TOKENIZER_FILE = "tokenizer.json";
    /** Key under which we keep our own metadata (training run, tokenizer kind) in config.json. */
    public static final String HEADWISE_KEY = "headwise";

    /**
     * The key, in our metadata, of {@value #WEIGHTS_FILE}'s SHA-256 as it was written with this
     * {@code config.json}: a checkpoint whose files do not match it was cut short while saving.
     */
    public static final String WEIGHTS_SHA256 = "weights_sha256";

    private static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();
    private static final Set<String> PICKLES = Set.of("pytorch_model.bin", "model.bin", "pytorch_model.bin.index.json");

    private Checkpoint() {}

    /** Reads and checks {@code dir/config.json}. */
    public static GptConfig readConfig(Path dir) {
        checkDirectory(dir);
        Path file = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("%s: no config.json in the model directory", dir);
        }
        try {
            return ConfigJson.parse(
                    JsonParser.parseString(Files.readString(file)).getAsJsonObject(), file.toString());
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new BadInputException("%s: not a readable GPT-2 config.json (%s)", file, e.getMessage());
        }
    }

    /** The extra (non-Hugging Face) metadata stored in {@code config.json}, or an empty object. */
    public static JsonObject readMetadata(Path dir) {
        try {
            JsonObject json = JsonParser.parseString(Files.readString(dir.resolve(CONFIG_FILE)))
                    .getAsJsonObject();
            return json.has(HEADWISE_KEY) ? json.getAsJsonObject(HEADWISE_KEY) : new JsonObject();
        } catch (IOException | RuntimeException e) {
            return new JsonObject();
        }
    }

    /** Reads config and weights; the tensors belong to {@code manager}. */
    public static GptWeights read(Path dir, NDManager manager) {
        GptConfig config = readConfig(dir);
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            refusePickle(dir);
            throw new BadInputException("%s: no model.safetensors in the model directory", dir);
        }
        Map<String, NDArray> raw;
        try {
            raw = SafetensorsFile.decode(file, manager, file.toString());
        } catch (IOException e) {
            throw new BadInputException("%s: cannot read (%s)", file, e.getMessage());
        }
        Map<String, NDArray> tensors = normalizeNames(raw, config, file.toString());
        refuseNonFinite(tensors, file.toString());
        return GptWeights.of(config, tensors, file.toString());
    }

    /**
     * Refuses weights holding NaN or an infinity: such a model would load, then write NaN into
     * every table it touches.
     */
    private static void refuseNonFinite(Map<String, NDArray> tensors, String source) {
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray array = e.getValue();
            if (!array.getDataType().isFloating()) {
                continue;
            }
            try (NDArray nan = array.isNaN();
                    NDArray inf = array.isInfinite();
                    NDArray bad = nan.logicalOr(inf);
                    NDArray any = bad.any()) {
                if (any.getBoolean()) {
                    throw new BadInputException("%s: tensor %s holds NaN or infinite values", source, e.getKey());
                }
            }
        }
    }

    /**
     * Makes the checks {@link #read} makes — config.json, every tensor's name, shape and type, a
     * file as long as its header promises — from config.json and the safetensors header alone,
     * without reading the weights: for a driver that only has to refuse a bad model directory
     * before its tasks load it.
     *
     * @return true when that was every check; false when the file also holds a tied {@code
     *     lm_head.weight}, whose equality with {@code wte.weight} only {@link #read} can check
     * @throws BadInputException with the message {@link #read} would give
     */
    public static boolean checkLayout(Path dir) {
        GptConfig config = readConfig(dir);
        Path file = dir.resolve(WEIGHTS_FILE);
        if (!Files.isRegularFile(file)) {
            refusePickle(dir);
            throw new BadInputException("%s: no model.safetensors in the model directory", dir);
        }
        Map<String, SafetensorsFile.Entry> entries;
        try {
            entries = SafetensorsFile.describe(file, file.toString());
        } catch (IOException e) {
            throw new BadInputException("%s: cannot read (%s)", file, e.getMessage());
        }
        Map<String, Shape> shapes = new LinkedHashMap<>();
        Map<String, DataType> types = new LinkedHashMap<>();
        for (Map.Entry<String, SafetensorsFile.Entry> e : entries.entrySet()) {
            String name = parameterName(e.getKey());
            if (name == null) {
                continue;
            }
            shapes.put(name, e.getValue().shape());
            types.put(name, widened(e.getValue().type()));
        }
        boolean redundantHead = hasRedundantHead(config, shapes.keySet());
        if (redundantHead) {
            shapes.remove("lm_head.weight");
            types.remove("lm_head.weight");
        }
        GptWeights.checkLayout(config, shapes, types, file.toString());
        return !redundantHead;
    }

    /**
     * Writes {@code config.json} and {@code model.safetensors} (each to a temporary file, then
     * renamed, so a failed write never leaves a half checkpoint behind), and copies {@code
     * tokenizer} when not null.
     *
     * @param metadata our own metadata, stored under {@value #HEADWISE_KEY} with the weights'
     *     SHA-256 added as {@value #WEIGHTS_SHA256}; may be null
     */
    public static void write(Path dir, GptWeights weights, Path tokenizer, JsonObject metadata) throws IOException {
        Files.createDirectories(dir);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        weights.asMap().forEach((name, array) -> tensors.put(name, array));
        byte[] encoded = SafetensorsFile.encode(tensors);
        writeAtomically(dir.resolve(WEIGHTS_FILE), encoded);
        JsonObject config = ConfigJson.toJson(weights.config());
        if (metadata != null) {
            JsonObject stamped = metadata.deepCopy();
            MessageDigest digest = Sha256.digest();
            digest.update(encoded);
            stamped.addProperty(WEIGHTS_SHA256, Sha256.hex(digest));
            config.add(HEADWISE_KEY, stamped);
        }
        writeAtomically(dir.resolve(CONFIG_FILE), GSON.toJson(config).getBytes(StandardCharsets.UTF_8));
        if (tokenizer != null
                && !tokenizer
                        .toAbsolutePath()
                        .equals(dir.resolve(TOKENIZER_FILE).toAbsolutePath())) {
            writeAtomically(dir.resolve(TOKENIZER_FILE), Files.readAllBytes(tokenizer));
        }
    }

    /**
     * Writes named float32 tensors as one safetensors file (temporary file, then rename), e.g. a
     * trainer's optimiser state next to the checkpoint.
     */
    public static void writeTensors(Path file, Map<String, NDArray> tensors) throws IOException {
        writeAtomically(file, SafetensorsFile.encode(tensors));
    }

    /** Reads a safetensors file written by {@link #writeTensors}; the tensors belong to {@code manager}. */
    public static Map<String, NDArray> readTensors(Path file, NDManager manager) {
        try {
            return SafetensorsFile.decode(file, manager, file.toString());
        } catch (IOException e) {
            throw new BadInputException("%s: cannot read (%s)", file, e.getMessage());
        }
    }

    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void checkDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException("%s: model directory does not exist", dir);
        }
    }

    private static void refusePickle(Path dir) {
        for (String name : PICKLES) {
            if (Files.exists(dir.resolve(name))) {
                throw new BadInputException(
                        "%s: refusing to load %s: pickled PyTorch checkpoints can execute arbitrary code when"
                                + " loaded. Convert it once, where you trust it, with Python: "
                                + "GPT2LMHeadModel.from_pretrained(DIR).save_pretrained(DIR, safe_serialization=True)",
                        dir, name);
            }
        }
    }

    /** Our name of a file's tensor: without Hugging Face's {@code transformer.}; null for a mask buffer. */
    private static String parameterName(String stored) {
        String name = stored.startsWith("transformer.") ? stored.substring("transformer.".length()) : stored;
        return name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias") ? null : name; // causal-mask buffers
    }

    /** Whether a tied model's file also stores {@code lm_head.weight} (Hugging Face may), a copy of {@code wte.weight}. */
    private static boolean hasRedundantHead(GptConfig config, Set<String> names) {
        return config.tieWordEmbeddings() && names.contains("lm_head.weight") && names.contains("wte.weight");
    }

    /** The type a tensor is read as: half precision is widened to float32. */
    private static DataType widened(DataType stored) {
        return stored == DataType.FLOAT16 || stored == DataType.BFLOAT16 ? DataType.FLOAT32 : stored;
    }

    private static Map<String, NDArray> normalizeNames(Map<String, NDArray> raw, GptConfig config, String source) {
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : raw.entrySet()) {
            String name = parameterName(e.getKey());
            if (name == null) {
                continue;
            }
            NDArray array = e.getValue();
            if (widened(array.getDataType()) != array.getDataType()) {
                array = array.toType(DataType.FLOAT32, false);
            }
            tensors.put(name, array);
        }
        if (hasRedundantHead(config, tensors.keySet())) {
            NDArray head = tensors.remove("lm_head.weight");
            if (!head.getShape().equals(tensors.get("wte.weight").getShape())
                    || !head.contentEquals(tensors.get("wte.weight"))) {
                throw new BadInputException(
                        "%s: config.json says tie_word_embeddings=true but lm_head.weight differs from wte.weight",
                        source);
            }
        }
        return tensors;
    }

    /** config.json ↔ {@link GptConfig}, with Hugging Face's key names and defaults. */
    static final class ConfigJson {

        private ConfigJson() {}

        static GptConfig parse(JsonObject json, String source) {
            String type = optString(json, "model_type", "gpt2");
            if (!type.equals("gpt2")) {
                throw new BadInputException("%s: model_type is %s, only gpt2 is supported", source, type);
            }
            String activationName = optString(json, "activation_function", "gelu_new");
            MlpActivation activation = MlpActivation.fromHuggingFace(activationName)
                    .orElseThrow(() -> new BadInputException(
                            "%s: activation_function %s is not supported (supported: %s)",
                            source, activationName, String.join(", ", MlpActivation.huggingFaceNames())));
            int nEmbd = requiredInt(json, "n_embd", source);
            int nInner = optInt(json, "n_inner", 4 * nEmbd, source);
            boolean scaleAttnWeights = optBoolean(json, "scale_attn_weights", true, source);
            boolean byInverseLayerIdx = optBoolean(json, "scale_attn_by_inverse_layer_idx", false, source);
            // Only the order and precision of fp16 arithmetic: in float32 the same attention.
            optBoolean(json, "reorder_and_upcast_attn", false, source);
            int vocab = requiredInt(json, "vocab_size", source);
            int defaultSpecial = vocab > 50256 ? 50256 : 0;
            int nPositions = requiredInt(json, "n_positions", source);
            int nLayer = requiredInt(json, "n_layer", source);
            int nHead = requiredInt(json, "n_head", source);
            double epsilon = json.has("layer_norm_epsilon")
                    ? json.get("layer_norm_epsilon").getAsDouble()
                    : GptConfig.LAYER_NORM_EPSILON_DEFAULT;
            boolean tied = !json.has("tie_word_embeddings")
                    || json.get("tie_word_embeddings").getAsBoolean();
            int bos = optInt(json, "bos_token_id", defaultSpecial, source);
            int eos = optInt(json, "eos_token_id", defaultSpecial, source);
            try {
                return new GptConfig(
                        vocab,
                        nPositions,
                        nEmbd,
                        nLayer,
                        nHead,
                        epsilon,
                        tied,
                        bos,
                        eos,
                        nInner,
                        scaleAttnWeights,
                        byInverseLayerIdx,
                        activation);
            } catch (BadInputException e) {
                // GptConfig cannot know the file; the user needs it to find the bad value.
                throw new BadInputException(e, "%s: %s", source, e.getMessage());
            }
        }

        static JsonObject toJson(GptConfig config) {
            JsonObject json = new JsonObject();
            JsonArray architectures = new JsonArray();
            architectures.add("GPT2LMHeadModel");
            json.add("architectures", architectures);
            json.addProperty("model_type", "gpt2");
            json.addProperty("vocab_size", config.vocabSize());
            json.addProperty("n_positions", config.nPositions());
            json.addProperty("n_ctx", config.nPositions());
            json.addProperty("n_embd", config.nEmbd());
            json.addProperty("n_layer", config.nLayer());
            json.addProperty("n_head", config.nHead());
            if (!config.defaultMlpWidth()) {
                json.addProperty("n_inner", config.nInner()); // absent, as null, means 4·n_embd
            }
            json.addProperty("layer_norm_epsilon", config.layerNormEpsilon());
            json.addProperty("activation_function", config.activation().huggingFaceName());
            json.addProperty("resid_pdrop", 0.0);
            json.addProperty("embd_pdrop", 0.0);
            json.addProperty("attn_pdrop", 0.0);
            json.addProperty("initializer_range", 0.02);
            json.addProperty("scale_attn_weights", config.scaleAttnWeights());
            json.addProperty("scale_attn_by_inverse_layer_idx", config.scaleAttnByInverseLayerIdx());
            json.addProperty("use_cache", true);
            json.addProperty("tie_word_embeddings", config.tieWordEmbeddings());
            json.addProperty("bos_token_id", config.bosTokenId());
            json.addProperty("eos_token_id", config.eosTokenId());
            json.addProperty("torch_dtype", "float32");
            return json;
        }

        private static int requiredInt(JsonObject json, String key, String source) {
            JsonElement value = json.get(key);
            if (value == null || value.isJsonNull()) {
                throw new BadInputException("%s: missing key %s", source, key);
            }
            try {
                return value.getAsInt();
            } catch (RuntimeException e) {
                throw new BadInputException("%s: %s must be an integer, got %s", source, key, value);
            }
        }

        private static int optInt(JsonObject json, String key, int fallback, String source) {
            JsonElement value = json.get(key);
            return value == null || value.isJsonNull() ? fallback : requiredInt(json, key, source);
        }

        private static String optString(JsonObject json, String key, String fallback) {
            JsonElement value = json.get(key);
            return value == null || value.isJsonNull() ? fallback : value.getAsString();
        }

        private static boolean optBoolean(JsonObject json, String key, boolean fallback, String source) {
            JsonElement value = json.get(key);
            if (value == null || value.isJsonNull()) {
                return fallback;
            }
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isBoolean()) {
                throw new BadInputException("%s: %s must be true or false, got %s", source, key, value);
            }
            return value.getAsBoolean();
        }
    }
}
