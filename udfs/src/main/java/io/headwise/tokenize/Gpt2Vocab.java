package io.headwise.tokenize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import io.headwise.BadInputException;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts OpenAI's GPT-2 tokenizer files ({@code encoder.json}: token to id;
 * {@code vocab.bpe}: a {@code #version} line, then one {@code "left right"} merge per line) into
 * a Hugging Face {@code tokenizer.json} with the GPT-2 {@code ByteLevel} pre-tokenizer and
 * {@code <|endoftext|>} (id 50256 in GPT-2) as its special token.
 */
public final class Gpt2Vocab {
    public static final String ENCODER_JSON = "encoder.json";
    public static final String VOCAB_BPE = "vocab.bpe";

    private Gpt2Vocab() {}

    /** Converts {@code dir/encoder.json} and {@code dir/vocab.bpe}. */
    public static String toTokenizerJson(Path dir) throws IOException {
        return toTokenizerJson(dir.resolve(ENCODER_JSON), dir.resolve(VOCAB_BPE));
    }

    /**
     * Converts the two files.
     *
     * @throws BadInputException naming the file (and line) that is malformed, has a merge
     *     whose sides or result are not in the vocabulary, or lacks {@code <|endoftext|>}
     */
    public static String toTokenizerJson(Path encoderJson, Path vocabBpe) throws IOException {
        Map<String, Integer> vocab = readEncoder(encoderJson);
        if (!vocab.containsKey(TokenizerJson.END_OF_TEXT)) {
            throw new BadInputException("%s has no %s token", encoderJson, TokenizerJson.END_OF_TEXT);
        }
        List<BpeMerge> merges = readMerges(vocabBpe, vocab);
        return TokenizerJson.byteLevelBpe(vocab, merges, TokenizerJson.PreTokenization.GPT2_BYTE_LEVEL);
    }

    private static Map<String, Integer> readEncoder(Path file) throws IOException {
        JsonElement root;
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            root = JsonParser.parseReader(r);
        } catch (JsonParseException e) {
            throw new BadInputException(e, "%s is not valid JSON: %s", file, e.getMessage());
        }
        if (!root.isJsonObject()) {
            throw new BadInputException("%s must be a JSON object of token to id", file);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> e : ((JsonObject) root).entrySet()) {
            JsonElement v = e.getValue();
            if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
                throw new BadInputException("%s: token \"%s\" has id %s, expected a number", file, e.getKey(), v);
            }
            vocab.put(e.getKey(), v.getAsInt());
        }
        return vocab;
    }

    private static List<BpeMerge> readMerges(Path file, Map<String, Integer> vocab) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        List<BpeMerge> merges = new ArrayList<>(lines.size());
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isEmpty() || (i == 0 && line.startsWith("#version"))) {
                continue;
            }
            String[] sides = line.split(" ", -1);
            if (sides.length != 2 || sides[0].isEmpty() || sides[1].isEmpty()) {
                throw new BadInputException("%s line %d: expected \"left right\", got \"%s\"", file, i + 1, line);
            }
            BpeMerge merge = new BpeMerge(sides[0], sides[1]);
            for (String token : List.of(merge.left(), merge.right(), merge.merged())) {
                if (!vocab.containsKey(token)) {
                    throw new BadInputException(
                            "%s line %d: token \"%s\" is not in the encoder vocabulary", file, i + 1, token);
                }
            }
            merges.add(merge);
        }
        return merges;
    }
}
