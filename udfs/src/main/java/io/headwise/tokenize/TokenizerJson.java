package io.headwise.tokenize;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * Writes Hugging Face {@code tokenizer.json} documents: char-level (WordLevel) and byte-level
 * BPE. Both load in DJL's {@code HuggingFaceTokenizer} and in Python's {@code tokenizers}.
 *
 * <p>Merges are written in the classic {@code "left right"} string form; the tokenizers library
 * bundled with DJL 0.35.1 (0.21) also reads the newer pair-array form, but the string form is
 * what GPT-2's own files use and what older readers accept.
 */
public final class TokenizerJson {
    /** The special token appended to every byte-level vocabulary. */
    public static final String END_OF_TEXT = "<|endoftext|>";

    /** The Llama 3 pre-tokenizer pattern, see {@link PreTokenizer}. */
    public static final String LLAMA3_PATTERN = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final Gson GSON = new GsonBuilder()
            .setPrettyPrinting()
            .serializeNulls()
            .disableHtmlEscaping()
            .create();

    /** How a byte-level BPE tokenizer cuts text into pieces before merging. */
    public enum PreTokenization {
        /** GPT-2: the {@code ByteLevel} pre-tokenizer with its built-in GPT-2 regex. */
        GPT2_BYTE_LEVEL,
        /** Llama 3: {@code Split} on {@link #LLAMA3_PATTERN}, then {@code ByteLevel} without regex. */
        LLAMA3_SPLIT
    }

    private TokenizerJson() {}

    /**
     * A char-level tokenizer: every character is its own piece, looked up in a WordLevel
     * vocabulary whose ids are the list positions; {@code .} must be id 0 (it doubles as the
     * unknown token, which is why {@link Tokenizers#load} checks characters itself).
     */
    public static String charLevel(List<String> tokensById) {
        if (tokensById.isEmpty() || !".".equals(tokensById.get(0))) {
            throw new IllegalArgumentException("a char-level vocabulary must start with '.' as id 0");
        }
        JsonObject pre = new JsonObject();
        pre.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", ".");
        pre.add("pattern", pattern);
        pre.addProperty("behavior", "Isolated");
        pre.addProperty("invert", false);

        JsonObject decoder = new JsonObject();
        decoder.addProperty("type", "Fuse");

        JsonObject model = new JsonObject();
        model.addProperty("type", "WordLevel");
        JsonObject vocab = new JsonObject();
        for (int id = 0; id < tokensById.size(); id++) {
            vocab.addProperty(tokensById.get(id), id);
        }
        model.add("vocab", vocab);
        model.addProperty("unk_token", ".");
        return GSON.toJson(document(new JsonArray(), pre, decoder, model));
    }

    /**
     * A byte-level BPE tokenizer with {@link #END_OF_TEXT} as its one special token.
     *
     * @param vocab byte-level token string to id; must contain {@link #END_OF_TEXT}
     * @param merges merge rules in priority order
     */
    public static String byteLevelBpe(
            Map<String, Integer> vocab, List<BpeMerge> merges, PreTokenization preTokenization) {
        Integer endOfText = vocab.get(END_OF_TEXT);
        if (endOfText == null) {
            throw new IllegalArgumentException("byte-level vocabulary has no " + END_OF_TEXT);
        }
        JsonObject model = new JsonObject();
        model.addProperty("type", "BPE");
        model.add("dropout", JsonNull.INSTANCE);
        model.add("unk_token", JsonNull.INSTANCE);
        model.add("continuing_subword_prefix", JsonNull.INSTANCE);
        model.add("end_of_word_suffix", JsonNull.INSTANCE);
        model.addProperty("fuse_unk", false);
        model.addProperty("byte_fallback", false);
        JsonObject vocabJson = new JsonObject();
        vocab.entrySet().stream()
                .sorted(Map.Entry.comparingByValue())
                .forEach(e -> vocabJson.addProperty(e.getKey(), e.getValue()));
        model.add("vocab", vocabJson);
        JsonArray mergesJson = new JsonArray(merges.size());
        merges.forEach(m -> mergesJson.add(m.toString()));
        model.add("merges", mergesJson);

        JsonArray added = new JsonArray();
        added.add(addedToken(endOfText, END_OF_TEXT));
        return GSON.toJson(document(added, preTokenizer(preTokenization), byteLevel(true), model));
    }

    private static JsonObject preTokenizer(PreTokenization kind) {
        if (kind == PreTokenization.GPT2_BYTE_LEVEL) {
            return byteLevel(true);
        }
        JsonObject split = new JsonObject();
        split.addProperty("type", "Split");
        JsonObject pattern = new JsonObject();
        pattern.addProperty("Regex", LLAMA3_PATTERN);
        split.add("pattern", pattern);
        split.addProperty("behavior", "Isolated");
        split.addProperty("invert", false);
        JsonArray steps = new JsonArray();
        steps.add(split);
        steps.add(byteLevel(false));
        JsonObject sequence = new JsonObject();
        sequence.addProperty("type", "Sequence");
        sequence.add("pretokenizers", steps);
        return sequence;
    }

    private static JsonObject byteLevel(boolean useRegex) {
        JsonObject o = new JsonObject();
        o.addProperty("type", "ByteLevel");
        o.addProperty("add_prefix_space", false);
        o.addProperty("trim_offsets", true);
        o.addProperty("use_regex", useRegex);
        return o;
    }

    private static JsonObject addedToken(int id, String content) {
        JsonObject t = new JsonObject();
        t.addProperty("id", id);
        t.addProperty("content", content);
        t.addProperty("single_word", false);
        t.addProperty("lstrip", false);
        t.addProperty("rstrip", false);
        t.addProperty("normalized", false);
        t.addProperty("special", true);
        return t;
    }

    private static JsonObject document(
            JsonArray addedTokens, JsonObject preTokenizer, JsonObject decoder, JsonObject model) {
        JsonObject doc = new JsonObject();
        doc.addProperty("version", "1.0");
        doc.add("truncation", JsonNull.INSTANCE);
        doc.add("padding", JsonNull.INSTANCE);
        doc.add("added_tokens", addedTokens);
        doc.add("normalizer", JsonNull.INSTANCE);
        doc.add("pre_tokenizer", preTokenizer);
        doc.add("post_processor", JsonNull.INSTANCE);
        doc.add("decoder", decoder);
        doc.add("model", model);
        return doc;
    }
}
