package io.headwise.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.headwise.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads tokenizers; the one path by which jobs get a {@link TextTokenizer}. */
public final class Tokenizers {
    /** The file name a model directory keeps its tokenizer under. */
    public static final String TOKENIZER_JSON = "tokenizer.json";

    private Tokenizers() {}

    /**
     * Loads a Hugging Face {@code tokenizer.json}, given as the file or as the model directory that
     * holds it.
     *
     * <p>DJL's builder defaults to truncating at 512 tokens and padding to the longest input even
     * when the file says {@code null} for both, and to adding the post-processor's special tokens;
     * all three are switched off here so that ids are exactly the text's tokens.
     *
     * @throws BadInputException naming the path when it does not exist or is not a valid
     *     tokenizer document
     */
    public static TextTokenizer load(Path tokenizerJsonOrModelDir) {
        Path file = Files.isDirectory(tokenizerJsonOrModelDir)
                ? tokenizerJsonOrModelDir.resolve(TOKENIZER_JSON)
                : tokenizerJsonOrModelDir;
        if (!Files.isRegularFile(file)) {
            throw new BadInputException("tokenizer file %s does not exist", file);
        }
        TokenizerVocab vocab = TokenizerVocab.parse(readJson(file), file.toString());
        try {
            return new DjlTextTokenizer(build(file, file.toString()), vocab);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + file, e);
        }
    }

    /**
     * Loads a tokenizer from the text of its {@code tokenizer.json}, as executors do with the
     * document the driver shipped them (DJL's binding reads files, so it goes through a temporary
     * file that is deleted once loaded).
     *
     * @param name what to call the document in messages, e.g. the path it was read from
     * @throws BadInputException naming {@code name} when the document is not a loadable
     *     tokenizer
     */
    public static TextTokenizer fromJson(String json, String name) {
        Path file = null;
        try {
            file = Files.createTempFile("headwise-tokenizer", ".json");
            Files.writeString(file, json, StandardCharsets.UTF_8);
            TokenizerVocab vocab = TokenizerVocab.parse(parse(json, name), name);
            return new DjlTextTokenizer(build(file, name), vocab);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a temporary copy of tokenizer " + name, e);
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    file.toFile().deleteOnExit();
                }
            }
        }
    }

    /**
     * DJL's tokenizer of {@code file}, with our settings (see {@link #load}).
     *
     * @throws BadInputException naming {@code name} when the Rust side rejects the document
     *     (it reports unknown components or fields as a bare RuntimeException)
     */
    private static HuggingFaceTokenizer build(Path file, String name) throws IOException {
        try {
            return HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .build();
        } catch (RuntimeException e) {
            throw new BadInputException(e, "%s is not a loadable tokenizer: %s", name, e.getMessage());
        }
    }

    private static JsonElement parse(String json, String name) {
        try {
            return JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new BadInputException(e, "%s is not valid JSON: %s", name, e.getMessage());
        }
    }

    private static JsonElement readJson(Path file) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return JsonParser.parseReader(r);
        } catch (JsonParseException e) {
            throw new BadInputException(e, "%s is not valid JSON: %s", file, e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + file, e);
        }
    }
}
