package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.BadInputException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Safetensors bytes ↔ named tensors, through DJL's own codec ({@link NDList#decode} and {@link
 * NDList#encode(NDList.Encoding)}). We only read the header first, to turn a truncated or foreign
 * file into a message that names it instead of DJL's "Invalid NDArray input", and add the {@code
 * {"format": "pt"}} metadata that Hugging Face {@code transformers} checks before loading.
 *
 * <p>Layout: 8 bytes little-endian header length {@code n}, {@code n} bytes of JSON header, then
 * the tensor data; header offsets are relative to the start of the data.
 */
final class SafetensorsFile {

    private static final String METADATA = "__metadata__";

    private SafetensorsFile() {}

    /**
     * Decodes the file {@code file} into name → tensor, after {@link #describe}'s checks of its
     * header, streaming it into DJL's decoder. DJL reads the tensor data into one array of its own;
     * {@code decode(Files.readAllBytes(file), …)} would make a second (340 MB more for GPT-2 small,
     * memory that a fresh executor JVM must fault in).
     */
    static Map<String, NDArray> decode(Path file, NDManager manager, String source) throws IOException {
        describe(file, source);
        NDList list;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            list = NDList.decode(manager, in);
        } catch (RuntimeException ex) {
            throw new BadInputException(ex, "%s: not a readable safetensors file (%s)", source, ex.getMessage());
        }
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (NDArray array : list) {
            tensors.put(array.getName(), array);
        }
        return tensors;
    }

    /** A tensor as a safetensors header describes it. */
    record Entry(Shape shape, DataType type) {}

    /**
     * The tensors of the safetensors file {@code file} as its header describes them, reading only
     * the header. It checks what {@link #decode} relies on, and {@code decode} calls it first: a
     * header that parses and data as long as the header promises.
     */
    static Map<String, Entry> describe(Path file, String source) throws IOException {
        long length = Files.size(file);
        byte[] head;
        try (FileChannel channel = FileChannel.open(file)) {
            head = readPrefix(channel, (int) Math.min(8, length));
            long n = checkedHeaderLength(head, length, source);
            if (n <= Integer.MAX_VALUE - 8) { // else header() refuses it
                head = readPrefix(channel, (int) (8 + n));
            }
        }
        JsonObject header = header(head, length, source);
        checkExtent(header, length - 8 - headerLength(head), source);
        Map<String, Entry> entries = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                continue;
            }
            try {
                JsonObject tensor = e.getValue().getAsJsonObject();
                JsonArray dims = tensor.getAsJsonArray("shape");
                long[] shape = new long[dims.size()];
                for (int i = 0; i < shape.length; i++) {
                    shape[i] = dims.get(i).getAsLong();
                }
                entries.put(
                        e.getKey(),
                        new Entry(
                                new Shape(shape),
                                DataType.fromSafetensors(tensor.get("dtype").getAsString())));
            } catch (RuntimeException ex) {
                throw new BadInputException(
                        "%s: tensor %s has no valid shape or dtype in the header", source, e.getKey());
            }
        }
        return entries;
    }

    /** The first {@code n} bytes of {@code channel}'s file (fewer only if the file is shorter). */
    private static byte[] readPrefix(FileChannel channel, int n) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(n);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // until the prefix is in
        }
        return buffer.array();
    }

    /**
     * Refuses a header whose tensors do not tile the data exactly, as the format requires: every
     * tensor's {@code data_offsets} a pair {@code 0 <= begin <= end} spanning its shape × its
     * dtype's size (no overflow: a header may declare terabytes), no two overlapping, no hole
     * between them, and a file whose data ends before the last of them (truncated).
     */
    private static void checkExtent(JsonObject header, long dataLength, String source) {
        java.util.TreeMap<Long, String> byBegin = new java.util.TreeMap<>();
        Map<String, long[]> spans = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                continue;
            }
            long begin;
            long end;
            long bytes;
            try {
                JsonObject tensor = e.getValue().getAsJsonObject();
                JsonArray offsets = tensor.getAsJsonArray("data_offsets");
                if (offsets.size() != 2) {
                    throw new IllegalArgumentException();
                }
                begin = exactLong(offsets.get(0));
                end = exactLong(offsets.get(1));
                bytes = declaredBytes(tensor);
            } catch (ArithmeticException ex) {
                throw new BadInputException(
                        "%s: tensor %s declares more than 2^63 bytes in its header", source, e.getKey());
            } catch (RuntimeException ex) {
                throw new BadInputException(
                        "%s: tensor %s has no valid shape, dtype or data_offsets", source, e.getKey());
            }
            if (begin < 0 || end < begin) {
                throw new BadInputException("%s: tensor %s has data_offsets [%d, %d]", source, e.getKey(), begin, end);
            }
            if (end - begin != bytes) {
                throw new BadInputException(
                        "%s: tensor %s spans %d bytes but its shape and dtype need %d",
                        source, e.getKey(), end - begin, bytes);
            }
            if (end > dataLength) {
                throw new BadInputException(
                        "%s is truncated: its header promises %d bytes of tensor data, the file has %d",
                        source, end, dataLength);
            }
            spans.put(e.getKey(), new long[] {begin, end});
            if (begin != end) {
                String other = byBegin.put(begin, e.getKey());
                if (other != null) {
                    throw new BadInputException("%s: tensors %s and %s overlap in the data", source, other, e.getKey());
                }
            }
        }
        long next = 0;
        for (Map.Entry<Long, String> e : byBegin.entrySet()) {
            long[] span = spans.get(e.getValue());
            if (span[0] < next) {
                throw new BadInputException("%s: tensor %s overlaps the one before it", source, e.getValue());
            }
            if (span[0] > next) {
                throw new BadInputException(
                        "%s: %d bytes before tensor %s belong to no tensor", source, span[0] - next, e.getValue());
            }
            next = span[1];
        }
    }

    /** A JSON number that is a whole {@code long}, else an exception. */
    private static long exactLong(JsonElement element) {
        return element.getAsBigDecimal().longValueExact();
    }

    /** The bytes a header entry's shape and dtype need, {@link ArithmeticException} past 2^63. */
    private static long declaredBytes(JsonObject tensor) {
        long bytes = DataType.fromSafetensors(tensor.get("dtype").getAsString()).getNumOfBytes();
        if (bytes <= 0) {
            throw new IllegalArgumentException("dtype without a size");
        }
        for (JsonElement dim : tensor.getAsJsonArray("shape")) {
            long d = exactLong(dim);
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension");
            }
            bytes = Math.multiplyExact(bytes, d);
        }
        return bytes;
    }

    /** Encodes named tensors as safetensors with {@code __metadata__: {"format": "pt"}}. */
    static byte[] encode(Map<String, NDArray> tensors) {
        NDList list = new NDList(tensors.size());
        tensors.forEach((name, array) -> {
            array.setName(name);
            list.add(array);
        });
        byte[] plain = list.encode(NDList.Encoding.SAFETENSORS);
        int oldLength = Math.toIntExact(headerLength(plain));
        JsonObject header = JsonParser.parseString(new String(plain, 8, oldLength, StandardCharsets.UTF_8))
                .getAsJsonObject();
        JsonObject metadata = new JsonObject();
        metadata.addProperty("format", "pt");
        JsonObject withMetadata = new JsonObject();
        withMetadata.add(METADATA, metadata);
        header.entrySet().forEach(e -> withMetadata.add(e.getKey(), e.getValue()));
        byte[] json = withMetadata.toString().getBytes(StandardCharsets.UTF_8);
        // Pad with spaces (allowed by the format) so tensor data starts 8-byte aligned.
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer out =
                ByteBuffer.allocate(8 + padded + plain.length - 8 - oldLength).order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(padded);
        out.put(json);
        for (int i = json.length; i < padded; i++) {
            out.put((byte) ' ');
        }
        out.put(plain, 8 + oldLength, plain.length - 8 - oldLength);
        return out.array();
    }

    private static long headerLength(byte[] bytes) {
        return ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * The header length {@code n} that {@code bytes}, the first bytes of a file of {@code
     * fileLength}, start with, refusing a file too short for it.
     */
    private static long checkedHeaderLength(byte[] bytes, long fileLength, String source) {
        if (fileLength < 8) {
            throw new BadInputException(
                    "%s is truncated: %d bytes, shorter than a safetensors header", source, fileLength);
        }
        long n = headerLength(bytes);
        if (n <= 0 || n > fileLength - 8L) {
            throw new BadInputException(
                    "%s is not a safetensors file or is truncated: header length %d, file length %d",
                    source, n, fileLength);
        }
        return n;
    }

    /** The JSON header from {@code bytes}, the first bytes (at least the header) of a file of {@code fileLength}. */
    private static JsonObject header(byte[] bytes, long fileLength, String source) {
        long n = checkedHeaderLength(bytes, fileLength, source);
        try {
            return JsonParser.parseString(new String(bytes, 8, (int) n, StandardCharsets.UTF_8))
                    .getAsJsonObject();
        } catch (RuntimeException ex) {
            throw new BadInputException("%s: safetensors header is not valid JSON", source);
        }
    }
}
