package io.headwise.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The result of {@link BpeTrainer}: merges in the order they were learned and the vocabulary
 * they build. Ids: the 256 single bytes in byte order (id = byte value), then the merged tokens
 * in learning order, then {@link TokenizerJson#END_OF_TEXT} last.
 */
public final class BpeModel {
    private final List<String> tokens;
    private final List<BpeMerge> merges;

    /**
     * @param tokens bytes of each token by id, one ISO-8859-1 char per byte
     * @param mergeIds the (left, right) token ids of each merge, in learning order
     */
    BpeModel(List<String> tokens, List<int[]> mergeIds) {
        this.tokens = List.copyOf(tokens);
        this.merges = mergeIds.stream()
                .map(m -> new BpeMerge(byteLevel(this.tokens.get(m[0])), byteLevel(this.tokens.get(m[1]))))
                .toList();
    }

    /** Merge rules in priority order, spelled in the {@link ByteLevel} alphabet. */
    public List<BpeMerge> merges() {
        return merges;
    }

    /** Byte-level token string to id, in id order, {@code <|endoftext|>} included. */
    public Map<String, Integer> vocab() {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            vocab.put(byteLevel(tokens.get(id)), id);
        }
        vocab.put(TokenizerJson.END_OF_TEXT, endOfTextId());
        return Collections.unmodifiableMap(vocab);
    }

    /** Number of ids, {@code <|endoftext|>} included. */
    public int vocabSize() {
        return tokens.size() + 1;
    }

    public int endOfTextId() {
        return tokens.size();
    }

    /** The bytes that token {@code id} stands for ({@code <|endoftext|>} has none here). */
    public byte[] tokenBytes(int id) {
        return tokens.get(id).getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * A {@code tokenizer.json} that splits with the Llama 3 pattern, as the trainer's pre-tokens
     * were split ({@link TokenizerJson.PreTokenization#LLAMA3_SPLIT}).
     */
    public String toTokenizerJson() {
        return TokenizerJson.byteLevelBpe(vocab(), merges, TokenizerJson.PreTokenization.LLAMA3_SPLIT);
    }

    private static String byteLevel(String latin1) {
        return ByteLevel.encode(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}
