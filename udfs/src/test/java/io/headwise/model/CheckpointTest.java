package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.BadInputException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model directory of SPEC §2, both directions, and every way a checkpoint can be wrong. */
class CheckpointTest {

    private static NDManager manager;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    // ---- round trip -------------------------------------------------------------------------

    @Test
    void saveThenLoadGivesBitwiseEqualTensorsAndOutputs() throws IOException {
        for (GptConfig config : new GptConfig[] {TestModels.tiny(), TestModels.tinyUntied()}) {
            try (NDManager scope = manager.newSubManager()) {
                GptWeights saved = TestModels.peaked(config, scope, 5);
                Path dir = tmp.resolve(config.tieWordEmbeddings() ? "tied" : "untied");
                Checkpoint.write(dir, saved, null, null);
                GptWeights loaded = Checkpoint.read(dir, scope);
                assertThat(loaded.config()).isEqualTo(config);
                assertThat(loaded.asMap().keySet())
                        .containsExactlyElementsOf(saved.asMap().keySet());
                saved.asMap().forEach((name, array) -> {
                    assertThat(loaded.get(name).getShape()).as(name).isEqualTo(array.getShape());
                    assertThat(loaded.get(name).toFloatArray()).as(name).isEqualTo(array.toFloatArray());
                });
                long[] ids = NaiveGptAgreementTest.toLongs(TestModels.randomIds(config, 20, 9));
                float[] before = new Gpt(saved)
                        .forward(scope.create(ids, new Shape(1, 20)))
                        .logits()
                        .toFloatArray();
                float[] after = new Gpt(loaded)
                        .forward(scope.create(ids, new Shape(1, 20)))
                        .logits()
                        .toFloatArray();
                assertThat(after).isEqualTo(before);
            }
        }
    }

    // ---- Hugging Face names, shapes, header and config.json ---------------------------------

    /**
     * GPT-2 small as Hugging Face's {@code GPT2Model} names it, written from the architecture:
     * 2 embeddings + 12 blocks × 12 tensors + ln_f's 2 = 148 tensors.
     */
    static Map<String, long[]> gpt2SmallShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put("wte.weight", new long[] {50257, 768});
        shapes.put("wpe.weight", new long[] {1024, 768});
        for (int i = 0; i < 12; i++) {
            shapes.put("h." + i + ".ln_1.weight", new long[] {768});
            shapes.put("h." + i + ".ln_1.bias", new long[] {768});
            shapes.put("h." + i + ".attn.c_attn.weight", new long[] {768, 2304});
            shapes.put("h." + i + ".attn.c_attn.bias", new long[] {2304});
            shapes.put("h." + i + ".attn.c_proj.weight", new long[] {768, 768});
            shapes.put("h." + i + ".attn.c_proj.bias", new long[] {768});
            shapes.put("h." + i + ".ln_2.weight", new long[] {768});
            shapes.put("h." + i + ".ln_2.bias", new long[] {768});
            shapes.put("h." + i + ".mlp.c_fc.weight", new long[] {768, 3072});
            shapes.put("h." + i + ".mlp.c_fc.bias", new long[] {3072});
            shapes.put("h." + i + ".mlp.c_proj.weight", new long[] {3072, 768});
            shapes.put("h." + i + ".mlp.c_proj.bias", new long[] {768});
        }
        shapes.put("ln_f.weight", new long[] {768});
        shapes.put("ln_f.bias", new long[] {768});
        return shapes;
    }

    static GptConfig gpt2Small() {
        return new GptConfig(50257, 1024, 768, 12, 12, 1e-5, true, 50256, 50256);
    }

    @Test
    void gpt2SmallHasHuggingFacesTensorNamesAndShapes() {
        Map<String, long[]> want = gpt2SmallShapes();
        assertThat(want).hasSize(148);
        Map<String, Shape> actual = GptWeights.expectedShapes(gpt2Small());
        assertThat(actual.keySet()).containsExactlyElementsOf(want.keySet());
        want.forEach((name, shape) -> assertThat(actual.get(name)).as(name).isEqualTo(new Shape(shape)));
        assertThat(GptConfig.of(50257, 1024, 768, 12, 12).parameterCount()).isEqualTo(124_439_808L);
    }

    @Test
    void untiedGpt2SmallAddsLmHead() {
        GptConfig untied = new GptConfig(50257, 1024, 768, 12, 12, 1e-5, false, 50256, 50256);
        Map<String, Shape> actual = GptWeights.expectedShapes(untied);
        assertThat(actual).hasSize(149);
        assertThat(actual.get("lm_head.weight")).isEqualTo(new Shape(50257, 768));
    }

    /**
     * A real write at GPT-2 small's widths, cut to 2 layers and a small vocabulary to stay fast
     * (the full 124M-parameter model would need ~1.5 GB of heap to encode): the header must list
     * exactly GPT-2 small's block tensors for h.0 and h.1, as F32, with {"format": "pt"}.
     */
    @Test
    void writtenHeaderIsHuggingFaces() throws IOException {
        GptConfig config = new GptConfig(1000, 64, 768, 2, 12, 1e-5, true, 999, 999);
        Map<String, long[]> want = new LinkedHashMap<>();
        gpt2SmallShapes().forEach((name, shape) -> {
            if (!name.startsWith("h.") || name.startsWith("h.0.") || name.startsWith("h.1.")) {
                want.put(name, shape);
            }
        });
        want.put("wte.weight", new long[] {1000, 768});
        want.put("wpe.weight", new long[] {64, 768});
        assertThat(want).hasSize(2 + 2 * 12 + 2);
        Path dir = tmp.resolve("gpt2-2layer");
        try (NDManager scope = manager.newSubManager()) {
            Checkpoint.write(dir, GptWeights.random(config, scope, 1), null, null);
        }
        byte[] bytes = Files.readAllBytes(dir.resolve("model.safetensors"));
        JsonObject header = header(bytes);
        JsonObject metadata = new JsonObject();
        metadata.addProperty("format", "pt");
        assertThat(header.get("__metadata__")).isEqualTo(metadata);
        assertThat(header.keySet()).containsExactlyInAnyOrderElementsOf(concat("__metadata__", want.keySet()));
        long dataLength = bytes.length - 8 - headerLength(bytes);
        long covered = 0;
        for (Map.Entry<String, long[]> e : want.entrySet()) {
            JsonObject tensor = header.getAsJsonObject(e.getKey());
            assertThat(tensor.get("dtype").getAsString()).as(e.getKey()).isEqualTo("F32");
            long[] shape = toLongs(tensor);
            assertThat(shape).as(e.getKey()).isEqualTo(e.getValue());
            long begin = tensor.getAsJsonArray("data_offsets").get(0).getAsLong();
            long end = tensor.getAsJsonArray("data_offsets").get(1).getAsLong();
            assertThat(end - begin)
                    .as(e.getKey() + " bytes")
                    .isEqualTo(4 * Arrays.stream(shape).reduce(1, (a, b) -> a * b));
            covered += end - begin;
        }
        assertThat(covered).isEqualTo(dataLength);
        assertThat((8 + headerLength(bytes)) % 8).as("data alignment").isZero();
    }

    @Test
    void configJsonHasHuggingFacesKeys() throws IOException {
        GptConfig config = new GptConfig(23, 20, 12, 3, 3, 1e-6, false, 1, 2);
        Path dir = tmp.resolve("config");
        JsonObject json = writeConfig(dir, config);
        assertThat(json.get("model_type").getAsString()).isEqualTo("gpt2");
        assertThat(json.get("vocab_size").getAsInt()).isEqualTo(23);
        assertThat(json.get("n_positions").getAsInt()).isEqualTo(20);
        assertThat(json.get("n_embd").getAsInt()).isEqualTo(12);
        assertThat(json.get("n_layer").getAsInt()).isEqualTo(3);
        assertThat(json.get("n_head").getAsInt()).isEqualTo(3);
        assertThat(json.get("layer_norm_epsilon").getAsDouble()).isEqualTo(1e-6);
        assertThat(json.get("activation_function").getAsString()).isEqualTo("gelu_new");
        assertThat(json.get("tie_word_embeddings").getAsBoolean()).isFalse();
        assertThat(json.get("bos_token_id").getAsInt()).isEqualTo(1);
        assertThat(json.get("eos_token_id").getAsInt()).isEqualTo(2);
        assertThat(json.getAsJsonArray("architectures").get(0).getAsString()).isEqualTo("GPT2LMHeadModel");
        assertThat(json.has("n_inner"))
                .as("n_inner of a 4·C MLP (absent means 4·n_embd)")
                .isFalse();
        assertThat(Checkpoint.readConfig(dir)).isEqualTo(config);
    }

    @Test
    void anotherMlpWidthIsWrittenAsNInnerAndReadBack() throws IOException {
        GptConfig config = TestModels.tinyUntied();
        Path dir = tmp.resolve("narrow");
        JsonObject json = writeConfig(dir, config);
        assertThat(json.get("n_inner").getAsInt()).isEqualTo(20);
        assertThat(Checkpoint.readConfig(dir)).isEqualTo(config);
        assertThat(Checkpoint.readConfig(dir).dMlp()).isEqualTo(20);
        // wte 276 + wpe 240 + 3 × (norms 48 + attention 624 + MLP 12·20 + 20 + 20·12 + 12) + ln_f 24 + lm_head 276.
        assertThat(config.parameterCount()).isEqualTo(4_368);
    }

    @Test
    void nInnerThatDisagreesWithTheWeights() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> json.addProperty("n_inner", 20));
        assertBadInput(
                dir,
                dir.resolve("model.safetensors")
                        + ": tensor h.0.mlp.c_fc.weight has shape (12, 48), config.json implies (12, 20)");
    }

    /** Hugging Face GPT-2 options we do not compute are refused, not ignored; so are bad values. */
    @Test
    void configOptionsWeDoNotComputeAreRefused() throws IOException {
        Map<Consumer<JsonObject>, String> cases = new LinkedHashMap<>();
        cases.put(
                json -> json.addProperty("activation_function", "mish"),
                "activation_function mish is not supported"
                        + " (supported: gelu_new, gelu_pytorch_tanh, gelu_fast, gelu, gelu_python, relu, silu, swish)");
        cases.put(
                json -> json.addProperty("scale_attn_weights", "yes"),
                "scale_attn_weights must be true or false, got \"yes\"");
        cases.put(json -> json.addProperty("model_type", "gpt_neo"), "model_type is gpt_neo, only gpt2 is supported");
        cases.put(json -> json.addProperty("n_inner", 0), "n_inner must be >= 1, got 0");
        cases.put(json -> json.addProperty("n_inner", "wide"), "n_inner must be an integer, got \"wide\"");
        int i = 0;
        for (Map.Entry<Consumer<JsonObject>, String> c : cases.entrySet()) {
            Path dir = writeTiny(tmp.resolve("refused" + i++));
            setConfig(dir, c.getKey());
            assertBadInput(dir, dir.resolve("config.json") + ": " + c.getValue());
        }
    }

    /** What save_pretrained writes for a small GPT2Config that kept the default special ids. */
    @Test
    void specialIdsBeyondTheVocabularyLoadAsHuggingFaceLoadsThem() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> {
            json.addProperty("bos_token_id", 50256);
            json.addProperty("eos_token_id", 50256);
        });
        GptConfig config = Checkpoint.readConfig(dir);
        assertThat(config.bosTokenId()).isEqualTo(50256);
        assertThat(config.hasToken(config.bosTokenId())).isFalse();
        assertThat(config.hasToken(22)).isTrue();
        try (NDManager scope = manager.newSubManager()) {
            assertThat(Checkpoint.read(dir, scope).config()).isEqualTo(config);
        }
        setConfig(dir, json -> json.addProperty("eos_token_id", -1));
        assertBadInput(dir, dir.resolve("config.json") + ": bos_token_id 50256 / eos_token_id -1 must not be negative");
    }

    @Test
    void gpt2sOtherNamesForTheSameArithmeticLoad() throws IOException {
        Path fast = writeTiny(tmp.resolve("fast"));
        setConfig(fast, json -> json.addProperty("activation_function", "gelu_fast"));
        assertThat(Checkpoint.readConfig(fast)).isEqualTo(TestModels.tiny());
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> {
            json.addProperty("activation_function", "gelu_pytorch_tanh");
            json.addProperty("n_inner", 48);
            json.addProperty("scale_attn_by_inverse_layer_idx", false);
            json.addProperty("reorder_and_upcast_attn", true); // fp16 order and precision only
        });
        assertThat(Checkpoint.readConfig(dir)).isEqualTo(TestModels.tiny());
    }

    /** Stanford CRFM's Mistral GPT-2 models (scores divided by the block's 1-based index too); Cerebras-GPT's exact GELU. */
    @Test
    void attentionScalingAndActivationAreWrittenAndReadBack() throws IOException {
        GptConfig config = TestModels.tinyScaled();
        Path dir = tmp.resolve("scaled");
        JsonObject json = writeConfig(dir, config);
        assertThat(json.get("scale_attn_weights").getAsBoolean()).isFalse();
        assertThat(json.get("scale_attn_by_inverse_layer_idx").getAsBoolean()).isTrue();
        assertThat(json.get("activation_function").getAsString()).isEqualTo("gelu");
        assertThat(Checkpoint.readConfig(dir)).isEqualTo(config);
        assertThat(config.attentionDivisor(0)).isEqualTo(1.0);
        assertThat(config.attentionDivisor(2)).isEqualTo(3.0);
        assertThat(TestModels.tiny().attentionDivisor(2)).isEqualTo(2.0); // √(12 / 3)
        assertThat(TestModels.tiny().withAttentionScaling(true, true).attentionDivisor(2))
                .isEqualTo(6.0);
    }

    // ---- what Hugging Face writes and we accept ---------------------------------------------

    /** GPT2LMHeadModel's own names: transformer. prefix, mask buffers, a tied lm_head copy. */
    @Test
    void huggingFacePrefixesBuffersAndRedundantLmHeadLoad() throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            GptConfig config = TestModels.tiny();
            GptWeights weights = TestModels.peaked(config, scope, 5);
            Path dir = writeTiny(tmp.resolve("hf"), weights);
            int p = config.nPositions();
            NDList list = new NDList();
            weights.asMap().forEach((name, array) -> list.add(named("transformer." + name, array.duplicate())));
            for (int l = 0; l < config.nLayer(); l++) {
                list.add(named(
                        "transformer.h." + l + ".attn.bias", scope.create(lowerTriangle(p), new Shape(1, 1, p, p))));
                list.add(named("transformer.h." + l + ".attn.masked_bias", scope.create(-1e4f)));
            }
            list.add(named("lm_head.weight", weights.get("wte.weight").duplicate()));
            Files.write(dir.resolve("model.safetensors"), list.encode(NDList.Encoding.SAFETENSORS));

            GptWeights loaded = Checkpoint.read(dir, scope);
            assertThat(Checkpoint.checkLayout(dir)).isFalse(); // lm_head.weight: read() compares it
            assertThat(loaded.asMap().keySet())
                    .containsExactlyElementsOf(weights.asMap().keySet());
            weights.asMap()
                    .forEach((name, array) ->
                            assertThat(loaded.get(name).toFloatArray()).as(name).isEqualTo(array.toFloatArray()));
        }
    }

    @Test
    void tiedCheckpointWithADifferentLmHeadIsRefused() throws IOException {
        Path dir = writeTiny(tmp.resolve("lm_head"));
        assertThat(Checkpoint.checkLayout(dir))
                .as("no lm_head.weight: the header says it all")
                .isTrue();
        rewrite(
                dir,
                tensors ->
                        tensors.put("lm_head.weight", tensors.get("wte.weight").add(1f)));
        try (NDManager scope = manager.newSubManager()) {
            assertThatThrownBy(() -> Checkpoint.read(dir, scope))
                    .isInstanceOf(BadInputException.class)
                    .hasMessage(dir.resolve("model.safetensors")
                            + ": config.json says tie_word_embeddings=true but lm_head.weight differs from wte.weight");
        }
        assertThat(Checkpoint.checkLayout(dir))
                .as("the values must be read to compare them")
                .isFalse();
    }

    // ---- bad input: each message names the thing at fault -----------------------------------

    @Test
    void missingModelDirectory() {
        Path dir = tmp.resolve("nowhere");
        assertBadInput(dir, dir + ": model directory does not exist");
    }

    @Test
    void missingConfigJson() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        Files.delete(dir.resolve("config.json"));
        assertBadInput(dir, dir + ": no config.json in the model directory");
    }

    @Test
    void missingSafetensors() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        Files.delete(dir.resolve("model.safetensors"));
        assertBadInput(dir, dir + ": no model.safetensors in the model directory");
    }

    @Test
    void pickledCheckpointIsRefusedWithWhyAndHowToConvert() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        Files.delete(dir.resolve("model.safetensors"));
        Files.write(dir.resolve("pytorch_model.bin"), new byte[] {(byte) 0x80, 2});
        assertBadInput(
                dir,
                dir + ": refusing to load pytorch_model.bin: pickled PyTorch checkpoints can execute"
                        + " arbitrary code when loaded. Convert it once, where you trust it, with Python:"
                        + " GPT2LMHeadModel.from_pretrained(DIR).save_pretrained(DIR, safe_serialization=True)");
    }

    @Test
    void missingTensor() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        rewrite(dir, tensors -> tensors.remove("h.1.mlp.c_fc.bias"));
        assertBadInput(dir, dir.resolve("model.safetensors") + ": missing tensor h.1.mlp.c_fc.bias (1 missing in all)");
    }

    @Test
    void extraTensor() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        rewrite(
                dir,
                tensors -> tensors.put(
                        "h.0.attn.c_attn.extra",
                        tensors.get("h.0.attn.c_attn.bias").duplicate()));
        assertBadInput(
                dir,
                dir.resolve("model.safetensors") + ": unexpected tensor h.0.attn.c_attn.extra for a 3-layer model");
    }

    @Test
    void untiedConfigForATiedFile() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> json.addProperty("tie_word_embeddings", false));
        assertBadInput(dir, dir.resolve("model.safetensors") + ": missing tensor lm_head.weight (1 missing in all)");
    }

    @Test
    void misShapedTensor() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        rewrite(
                dir,
                tensors -> tensors.put(
                        "h.2.attn.c_attn.weight",
                        tensors.get("h.2.attn.c_attn.weight").transpose().duplicate()));
        assertBadInput(
                dir,
                dir.resolve("model.safetensors")
                        + ": tensor h.2.attn.c_attn.weight has shape (36, 12), config.json implies (12, 36)");
    }

    @Test
    void halfPrecisionIsWidenedAndDoublesAreRefused() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        rewrite(dir, tensors -> tensors.replaceAll((name, array) -> array.toType(DataType.FLOAT16, false)));
        assertThat(Checkpoint.checkLayout(dir)).isTrue();
        try (NDManager scope = manager.newSubManager()) {
            assertThat(Checkpoint.read(dir, scope).get("wte.weight").getDataType())
                    .isEqualTo(DataType.FLOAT32);
        }
        rewrite(
                dir,
                tensors -> tensors.put(
                        "h.1.ln_2.bias", tensors.get("h.1.ln_2.bias").toType(DataType.FLOAT64, false)));
        assertBadInput(dir, dir.resolve("model.safetensors") + ": tensor h.1.ln_2.bias is float64, expected float32");
    }

    @Test
    void truncatedData() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        long dataLength = bytes.length - 8 - headerLength(bytes);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 100));
        assertBadInput(
                dir,
                String.format(
                        "%s is truncated: its header promises %d bytes of tensor data, the file has %d",
                        file, dataLength, dataLength - 100));
    }

    @Test
    void truncatedHeader() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        Path file = dir.resolve("model.safetensors");
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, 50));
        assertBadInput(
                dir,
                String.format(
                        "%s is not a safetensors file or is truncated: header length %d, file length 50",
                        file, headerLength(bytes)));
        Files.write(file, Arrays.copyOf(bytes, 5));
        assertBadInput(dir, file + " is truncated: 5 bytes, shorter than a safetensors header");
    }

    @Test
    void configWithMoreLayersThanTheWeights() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> json.addProperty("n_layer", 4));
        assertBadInput(
                dir, dir.resolve("model.safetensors") + ": missing tensor h.3.attn.c_attn.bias (12 missing in all)");
    }

    @Test
    void configWithFewerLayersThanTheWeights() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> json.addProperty("n_layer", 2));
        assertBadInput(
                dir, dir.resolve("model.safetensors") + ": unexpected tensor h.2.attn.c_attn.bias for a 2-layer model");
    }

    @Test
    void configWithAnotherWidthThanTheWeights() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> json.addProperty("n_embd", 15));
        assertBadInput(
                dir,
                dir.resolve("model.safetensors")
                        + ": tensor wte.weight has shape (23, 12), config.json implies (23, 15)");
    }

    @Test
    void nEmbdNotDivisibleByNHead() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> json.addProperty("n_head", 5));
        assertBadInput(dir, dir.resolve("config.json") + ": n_embd (12) is not divisible by n_head (5)");
    }

    @Test
    void configMissingAKey() throws IOException {
        Path dir = writeTiny(tmp.resolve("m"));
        setConfig(dir, json -> json.remove("n_head"));
        assertBadInput(dir, dir.resolve("config.json") + ": missing key n_head");
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** Reading the weights, and checking the header alone (a job's driver), refuse alike. */
    private static void assertBadInput(Path dir, String message) {
        try (NDManager scope = manager.newSubManager()) {
            assertThatThrownBy(() -> Checkpoint.read(dir, scope))
                    .isInstanceOf(BadInputException.class)
                    .hasMessage(message);
        }
        assertThatThrownBy(() -> Checkpoint.checkLayout(dir))
                .as("header-only check of %s", dir)
                .isInstanceOf(BadInputException.class)
                .hasMessage(message);
    }

    private Path writeTiny(Path dir) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            return writeTiny(dir, GptWeights.random(TestModels.tiny(), scope, 1));
        }
    }

    private static Path writeTiny(Path dir, GptWeights weights) throws IOException {
        Checkpoint.write(dir, weights, null, null);
        return dir;
    }

    /** Decodes model.safetensors, lets {@code edit} change the name → tensor map, re-encodes. */
    private static void rewrite(Path dir, Consumer<Map<String, NDArray>> edit) throws IOException {
        Path file = dir.resolve("model.safetensors");
        try (NDManager scope = manager.newSubManager()) {
            Map<String, NDArray> tensors = SafetensorsFile.decode(file, scope, file.toString());
            edit.accept(tensors);
            Files.write(file, SafetensorsFile.encode(tensors));
        }
    }

    /** Writes a random model with {@code config} into {@code dir} and returns its parsed config.json. */
    private static JsonObject writeConfig(Path dir, GptConfig config) throws IOException {
        try (NDManager scope = manager.newSubManager()) {
            Checkpoint.write(dir, GptWeights.random(config, scope, 1), null, null);
        }
        return JsonParser.parseString(Files.readString(dir.resolve("config.json")))
                .getAsJsonObject();
    }

    private static void setConfig(Path dir, Consumer<JsonObject> edit) throws IOException {
        Path file = dir.resolve("config.json");
        JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        edit.accept(json);
        Files.writeString(file, json.toString());
    }

    /** Hugging Face's causal-mask buffer: ones on and below the diagonal. */
    private static float[] lowerTriangle(int n) {
        float[] mask = new float[n * n];
        for (int q = 0; q < n; q++) {
            Arrays.fill(mask, q * n, q * n + q + 1, 1f);
        }
        return mask;
    }

    private static NDArray named(String name, NDArray array) {
        array.setName(name);
        return array;
    }

    private static long headerLength(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    private static JsonObject header(byte[] bytes) {
        return JsonParser.parseString(new String(bytes, 8, (int) headerLength(bytes), StandardCharsets.UTF_8))
                .getAsJsonObject();
    }

    private static long[] toLongs(JsonObject tensor) {
        return tensor.getAsJsonArray("shape").asList().stream()
                .mapToLong(JsonElement::getAsLong)
                .toArray();
    }

    private static List<String> concat(String first, Collection<String> rest) {
        List<String> out = new ArrayList<>();
        out.add(first);
        out.addAll(rest);
        return out;
    }
}
