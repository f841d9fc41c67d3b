package io.headwise.tokenize;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.headwise.BadInputException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * What {@link Tokenizers} needs from a {@code tokenizer.json} that DJL's binding does not expose:
 * the token string of every id, the special tokens, and which kind of vocabulary it is.
 */
final class TokenizerVocab {
    private final String[] tokenById;
    private final Map<String, Integer> specials = new HashMap<>();
    private final Set<String> added = new HashSet<>();
    private final Set<Integer> characters = new HashSet<>();
    private final boolean charLevel;
    private final int delimiterId;
    private final boolean byteLevel;

    private TokenizerVocab(JsonObject doc, String source) {
        JsonObject model = object(doc.get("model"), source, "model");
        Map<String, Integer> ids = new HashMap<>();
        JsonElement vocab = model.get("vocab");
        if (vocab != null && vocab.isJsonObject()) {
            vocab.getAsJsonObject()
                    .entrySet()
                    .forEach(e -> ids.put(e.getKey(), e.getValue().getAsInt()));
        } else if (vocab != null && vocab.isJsonArray()) {
            // Unigram stores [token, score] pairs whose position is the id.
            JsonArray entries = vocab.getAsJsonArray();
            for (int id = 0; id < entries.size(); id++) {
                ids.put(entries.get(id).getAsJsonArray().get(0).getAsString(), id);
            }
        } else {
            throw new BadInputException("%s: model has no vocab", source);
        }
        JsonElement addedTokens = doc.get("added_tokens");
        if (addedTokens != null && addedTokens.isJsonArray()) {
            for (JsonElement e : addedTokens.getAsJsonArray()) {
                JsonObject t = e.getAsJsonObject();
                String content = t.get("content").getAsString();
                int id = t.get("id").getAsInt();
                ids.put(content, id);
                added.add(content);
                if (t.has("special") && t.get("special").getAsBoolean()) {
                    specials.put(content, id);
                }
            }
        }
        int size = ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        int lowest = ids.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        if (lowest < 0) {
            throw new BadInputException("%s: vocabulary id %d is negative", source, lowest);
        }
        if (size > 2L * ids.size() + 1024) { // a table as long as its largest id would be mostly holes
            throw new BadInputException(
                    "%s: vocabulary ids go up to %d for %d tokens; ids must be (nearly) dense",
                    source, size - 1, ids.size());
        }
        tokenById = new String[size];
        ids.forEach((token, id) -> tokenById[id] = token);

        String modelType = stringOrEmpty(model.get("type"));
        charLevel = "WordLevel".equals(modelType)
                && ids.containsKey(".")
                && ids.keySet().stream().allMatch(t -> t.codePointCount(0, t.length()) == 1);
        if (charLevel) {
            ids.keySet().forEach(t -> characters.add(t.codePointAt(0)));
        }
        delimiterId = charLevel ? ids.get(".") : -1;
        JsonElement decoder = doc.get("decoder");
        byteLevel = decoder != null
                && decoder.isJsonObject()
                && "ByteLevel".equals(stringOrEmpty(decoder.getAsJsonObject().get("type")));
    }

    static TokenizerVocab parse(JsonElement doc, String source) {
        try {
            return new TokenizerVocab(object(doc, source, "document"), source);
        } catch (BadInputException e) {
            throw e;
        } catch (RuntimeException e) { // a value of the wrong JSON type
            throw new BadInputException(e, "%s: not a tokenizer document (%s)", source, e);
        }
    }

    int size() {
        return tokenById.length;
    }

    /** The vocabulary string of {@code id}, or null for an unused id below {@link #size()}. */
    String token(int id) {
        return tokenById[id];
    }

    OptionalInt special(String token) {
        Integer id = specials.get(token);
        if (id == null && charLevel && ".".equals(token)) {
            return OptionalInt.of(delimiterId);
        }
        return id == null ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** Added tokens are stored as plain text, not in the model's (e.g. byte-level) alphabet. */
    boolean isAdded(String token) {
        return added.contains(token);
    }

    boolean isCharLevel() {
        return charLevel;
    }

    boolean hasCharacter(int codePoint) {
        return characters.contains(codePoint);
    }

    boolean isByteLevel() {
        return byteLevel;
    }

    private static JsonObject object(JsonElement e, String source, String what) {
        if (e == null || !e.isJsonObject()) {
            throw new BadInputException("%s: %s is not a JSON object", source, what);
        }
        return e.getAsJsonObject();
    }

    private static String stringOrEmpty(JsonElement e) {
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }
}
