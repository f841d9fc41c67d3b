package io.headwise.tokenize;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The makemore character tokenizer: id 0 is {@code .}, the start/end delimiter, followed by the
 * distinct characters (Unicode code points) of a corpus in code-point order. A name is encoded
 * as {@code .name.}.
 */
public final class CharTokenizer {
    private final List<String> tokens;
    private final Map<Integer, Integer> idOfCodePoint;

    private CharTokenizer(List<String> tokens) {
        this.tokens = Collections.unmodifiableList(tokens);
        this.idOfCodePoint = new HashMap<>();
        for (int id = 0; id < tokens.size(); id++) {
            idOfCodePoint.put(tokens.get(id).codePointAt(0), id);
        }
    }

    /**
     * Builds the vocabulary from the characters of {@code lines}.
     *
     * @throws IllegalArgumentException if a line is null, contains {@code .} (reserved for the
     *     delimiter), or the corpus has no characters at all
     */
    public static CharTokenizer fromCorpus(Iterable<String> lines) {
        TreeSet<Integer> chars = new TreeSet<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            if (line == null) {
                throw new IllegalArgumentException(String.format("corpus line %d is null", lineNo));
            }
            int dot = line.indexOf(CharNames.DELIMITER);
            if (dot >= 0) {
                throw new IllegalArgumentException(String.format(
                        "corpus line %d contains the character '.' at position %d; '.' is reserved as the "
                                + "start/end delimiter",
                        lineNo, line.codePointCount(0, dot)));
            }
            line.codePoints().forEach(chars::add);
        }
        if (chars.isEmpty()) {
            throw new IllegalArgumentException("corpus has no characters");
        }
        List<String> tokens = new ArrayList<>(chars.size() + 1);
        tokens.add(".");
        chars.forEach(cp -> tokens.add(Character.toString(cp)));
        return new CharTokenizer(tokens);
    }

    /**
     * The ids of {@code .name.}; {@code name} may be given with or without the delimiters.
     *
     * @throws IllegalArgumentException naming the character and position that is not in the
     *     vocabulary (or a {@code .} inside the name)
     */
    public int[] encode(String name) {
        int[] body = CharNames.body(name, idOfCodePoint::containsKey);
        int[] ids = new int[body.length + 2];
        for (int i = 0; i < body.length; i++) {
            ids[i + 1] = idOfCodePoint.get(body[i]);
        }
        return ids;
    }

    /**
     * The characters of {@code ids}, delimiters included ({@code [0, 5, 0]} is {@code ".e."}).
     *
     * @throws IllegalArgumentException naming an id outside the vocabulary and its position
     */
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder(ids.length);
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= tokens.size()) {
                throw new IllegalArgumentException(String.format(
                        "token id %d at position %d is outside the vocabulary of %d characters",
                        ids[i], i, tokens.size()));
            }
            sb.append(tokens.get(ids[i]));
        }
        return sb.toString();
    }

    /** The tokens by id: {@code "."} first, then the corpus characters in code-point order. */
    public List<String> vocab() {
        return tokens;
    }

    public int vocabSize() {
        return tokens.size();
    }

    /** This vocabulary as a Hugging Face {@code tokenizer.json} (see {@link TokenizerJson}). */
    public String toTokenizerJson() {
        return TokenizerJson.charLevel(tokens);
    }
}
