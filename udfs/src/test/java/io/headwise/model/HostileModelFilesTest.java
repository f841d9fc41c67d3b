package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import io.headwise.BadInputException;
import io.headwise.testing.Fixtures;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Generated hostile model directories: every truncation of a safetensors file, mutated headers
 * (keys removed, wrong types, offsets out of range, overlapping or leaving holes, shapes declaring
 * terabytes, header lengths past the file), NaN and infinite weights, mutated {@code config.json}.
 * Each ends in a {@link BadInputException} whose one line names the file, or loads a model that is
 * valid; never another exception, a hang or a huge allocation. The counts are printed at the end.
 */
class HostileModelFilesTest {

    private static final AtomicLong TRIED = new AtomicLong();
    private static final AtomicLong REFUSED = new AtomicLong();

    @AfterContainer
    static void printCounts() {
        System.out.printf("hostile model files tried: %d, refused: %d%n", TRIED.get(), REFUSED.get());
    }

    /**
     * Runs {@code load}; a refusal must be one {@link BadInputException} line naming {@code file}.
     *
     * @return whether it loaded
     */
    static boolean loadsOrRefusesNaming(Runnable load, String file) {
        TRIED.incrementAndGet();
        long started = System.nanoTime();
        try {
            load.run();
            return true;
        } catch (BadInputException e) {
            REFUSED.incrementAndGet();
            assertThat(e.getMessage()).contains(file).doesNotContain("\n");
            return false;
        } finally {
            assertThat((System.nanoTime() - started) / 1e9)
                    .as("seconds for one input")
                    .isLessThan(10);
        }
    }

    private static Path copyOfTiny() throws IOException {
        Path dir = Files.createTempDirectory("hostile-model");
        for (String name : List.of(Checkpoint.CONFIG_FILE, Checkpoint.WEIGHTS_FILE)) {
            Files.copy(Fixtures.gpt2Tiny().resolve(name), dir.resolve(name));
        }
        return dir;
    }

    private static void delete(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /** Every length shorter than the file, checked as the driver does (header and extent). */
    @Example
    void everyTruncationOfTheSafetensorsFileIsRefused() throws IOException {
        Path dir = copyOfTiny();
        Path weights = dir.resolve(Checkpoint.WEIGHTS_FILE);
        long length = Files.size(weights);
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw")) {
            for (long cut = length - 1; cut >= 0; cut--) {
                file.setLength(cut);
                assertThat(loadsOrRefusesNaming(() -> Checkpoint.checkLayout(dir), "model.safetensors"))
                        .as("cut at %d", cut)
                        .isFalse();
            }
        } finally {
            delete(dir);
        }
    }

    /** A sample of truncation points through the full load (header, then the weights). */
    @Property(tries = 40)
    void aTruncatedFileNeverLoads(@ForAll("cuts") double fraction) throws IOException {
        Path dir = copyOfTiny();
        Path weights = dir.resolve(Checkpoint.WEIGHTS_FILE);
        try (RandomAccessFile file = new RandomAccessFile(weights.toFile(), "rw");
                NDManager manager = NDManager.newBaseManager()) {
            file.setLength((long) (fraction * (file.length() - 1)));
            assertThat(loadsOrRefusesNaming(() -> Checkpoint.read(dir, manager), "model.safetensors"))
                    .isFalse();
        } finally {
            delete(dir);
        }
    }

    @Provide
    Arbitrary<Double> cuts() {
        return Arbitraries.doubles().between(0, 1);
    }

    /** What a mutation does to the file: a new header, and optionally a new length field. */
    record Mutated(String header, Long lengthField) {}

    @Property(tries = 400)
    void aMutatedHeaderLoadsAValidModelOrIsRefused(@ForAll("seeds") long seed) throws IOException {
        Path dir = copyOfTiny();
        Path weights = dir.resolve(Checkpoint.WEIGHTS_FILE);
        byte[] original = Files.readAllBytes(weights);
        int n = (int)
                ByteBuffer.wrap(original, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(original, 8, n, StandardCharsets.UTF_8))
                .getAsJsonObject();
        Mutated mutated = mutate(header, new Random(seed));
        byte[] json = mutated.header().getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + json.length + original.length - 8 - n).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(mutated.lengthField() != null ? mutated.lengthField() : json.length);
        out.put(json);
        out.put(original, 8 + n, original.length - 8 - n);
        Files.write(weights, out.array());
        try (NDManager manager = NDManager.newBaseManager()) {
            boolean loaded = loadsOrRefusesNaming(() -> Checkpoint.read(dir, manager), "model.safetensors");
            if (loaded) { // the mutation left a valid file: the driver's header-only check passes it too
                Checkpoint.checkLayout(dir);
            }
        } finally {
            delete(dir);
        }
    }

    @Provide
    Arbitrary<Long> seeds() {
        return Arbitraries.longs();
    }

    private static Mutated mutate(JsonObject header, Random random) {
        List<String> names = new ArrayList<>();
        for (String key : header.keySet()) {
            if (!key.equals("__metadata__")) {
                names.add(key);
            }
        }
        String name = names.get(random.nextInt(names.size()));
        JsonObject tensor = header.getAsJsonObject(name);
        JsonArray offsets = tensor.getAsJsonArray("data_offsets");
        long dataLength = 0;
        for (String other : names) {
            dataLength = Math.max(
                    dataLength,
                    header.getAsJsonObject(other)
                            .getAsJsonArray("data_offsets")
                            .get(1)
                            .getAsLong());
        }
        switch (random.nextInt(12)) {
            case 0 -> tensor.remove(List.of("dtype", "shape", "data_offsets").get(random.nextInt(3)));
            case 1 -> tensor.add(List.of("dtype", "shape", "data_offsets").get(random.nextInt(3)), junk(random));
            case 2 ->
                tensor.addProperty(
                        "dtype", List.of("F64", "I8", "BOOL", "Q4", "", "f32").get(random.nextInt(6)));
            case 3 -> {
                JsonArray shape = tensor.getAsJsonArray("shape");
                if (shape.isEmpty()) {
                    shape.add(2);
                }
                shape.set(random.nextInt(shape.size()), new JsonPrimitive(hostileLong(random)));
            }
            case 4 -> { // a header that declares terabytes
                JsonArray shape = new JsonArray();
                shape.add(1L << 20);
                shape.add(1L << 20);
                tensor.add("shape", shape);
                offsets.set(1, new JsonPrimitive(offsets.get(0).getAsLong() + (4L << 40)));
            }
            case 5 -> offsets.set(random.nextInt(2), new JsonPrimitive(hostileLong(random)));
            case 6 -> { // shifted into its neighbour: overlap at one end, a hole at the other
                long shift = 1 + random.nextInt(64);
                offsets.set(0, new JsonPrimitive(offsets.get(0).getAsLong() + shift));
                offsets.set(1, new JsonPrimitive(offsets.get(1).getAsLong() + shift));
            }
            case 7 -> { // another tensor's offsets
                JsonArray other = header.getAsJsonObject(names.get(random.nextInt(names.size())))
                        .getAsJsonArray("data_offsets");
                tensor.add("data_offsets", other.deepCopy());
            }
            case 8 -> { // past the end of the data
                offsets.set(1, new JsonPrimitive(dataLength + 1 + random.nextInt(1 << 20)));
            }
            case 9 -> {
                return new Mutated(header.toString(), hostileLong(random));
            }
            case 10 -> {
                String text = header.toString();
                int at = random.nextInt(text.length());
                char c = "{}[]\",:0\u0000\uFFFF".charAt(random.nextInt(10));
                return new Mutated(text.substring(0, at) + c + text.substring(at + 1), null);
            }
            default -> header.add(name, junk(random));
        }
        return new Mutated(header.toString(), null);
    }

    private static long hostileLong(Random random) {
        long[] values = {-1, 0, 1, Integer.MAX_VALUE, 1L << 32, 1L << 40, Long.MAX_VALUE, Long.MIN_VALUE, -(1L << 40)};
        return random.nextBoolean() ? values[random.nextInt(values.length)] : random.nextLong();
    }

    private static JsonElement junk(Random random) {
        return switch (random.nextInt(7)) {
            case 0 -> JsonNull.INSTANCE;
            case 1 -> new JsonPrimitive("x");
            case 2 -> new JsonPrimitive(1.5);
            case 3 -> new JsonPrimitive(true);
            case 4 -> new JsonObject();
            case 5 -> new JsonArray();
            default -> new JsonPrimitive(hostileLong(random));
        };
    }

    /** One NaN or infinity at a random place of a random tensor: refused, naming the tensor. */
    @Property(tries = 60)
    void aNonFiniteWeightIsRefusedNamingItsTensor(@ForAll("seeds") long seed) throws IOException {
        Random random = new Random(seed);
        Path dir = copyOfTiny();
        Path weights = dir.resolve(Checkpoint.WEIGHTS_FILE);
        byte[] bytes = Files.readAllBytes(weights);
        int n = (int)
                ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, n, StandardCharsets.UTF_8))
                .getAsJsonObject();
        List<Map.Entry<String, JsonElement>> tensors = new ArrayList<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (!e.getKey().equals("__metadata__")
                    && e.getValue().getAsJsonObject().get("dtype").getAsString().equals("F32")) {
                tensors.add(e);
            }
        }
        Map.Entry<String, JsonElement> chosen = tensors.get(random.nextInt(tensors.size()));
        JsonArray offsets = chosen.getValue().getAsJsonObject().getAsJsonArray("data_offsets");
        long begin = offsets.get(0).getAsLong();
        long elements = (offsets.get(1).getAsLong() - begin) / 4;
        int at = (int) (8 + n + begin + 4 * random.nextLong(elements));
        float[] bad = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        ByteBuffer.wrap(bytes, at, 4).order(ByteOrder.LITTLE_ENDIAN).putFloat(bad[random.nextInt(3)]);
        Files.write(weights, bytes);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(loadsOrRefusesNaming(() -> Checkpoint.read(dir, manager), "model.safetensors"))
                    .isFalse();
            try {
                Checkpoint.read(dir, manager);
            } catch (BadInputException e) {
                String stored = chosen.getKey();
                String parameter = stored.startsWith("transformer.") ? stored.substring(12) : stored;
                assertThat(e.getMessage()).contains(parameter).contains("NaN or infinite");
            }
        } finally {
            delete(dir);
        }
    }

    /** A config.json with a key removed or given a wrong, negative, huge or inconsistent value. */
    @Property(tries = 400)
    void aMutatedConfigIsValidOrRefusedNamingIt(@ForAll("seeds") long seed) throws IOException {
        Random random = new Random(seed);
        Path dir = copyOfTiny();
        Path config = dir.resolve(Checkpoint.CONFIG_FILE);
        JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        List<String> keys = new ArrayList<>(json.keySet());
        for (int i = 0, k = 1 + random.nextInt(3); i < k; i++) {
            String key = keys.get(random.nextInt(keys.size()));
            if (random.nextInt(4) == 0) {
                json.remove(key);
            } else {
                json.add(key, random.nextBoolean() ? junk(random) : new JsonPrimitive(random.nextInt(65) - 8));
            }
        }
        String text = json.toString();
        if (random.nextInt(8) == 0) {
            text = text.substring(0, random.nextInt(text.length()));
        }
        Files.writeString(config, text);
        try {
            GptConfig[] read = new GptConfig[1];
            if (loadsOrRefusesNaming(() -> read[0] = Checkpoint.readConfig(dir), "config.json")) {
                GptConfig c = read[0];
                assertThat(List.of(c.vocabSize(), c.nPositions(), c.nEmbd(), c.nLayer(), c.nHead()))
                        .allMatch(v -> v >= 1);
                assertThat(c.nEmbd() % c.nHead()).isZero();
            }
        } finally {
            delete(dir);
        }
    }
}
