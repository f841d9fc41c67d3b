package io.headwise.tokenize;

import java.util.function.IntPredicate;

/**
 * The makemore convention shared by {@link CharTokenizer} and char-level tokenizers loaded by
 * {@link Tokenizers}: a name is encoded as {@code .name.}, and callers may pass it with or
 * without those delimiters.
 */
final class CharNames {
    static final int DELIMITER = '.';

    private CharNames() {}

    /**
     * The name between the delimiters, as code points: one leading and one trailing {@code .} are
     * dropped if present.
     *
     * @throws IllegalArgumentException if a {@code .} remains inside the name, or a character is
     *     not {@code known}; the message names the character and its code-point position in
     *     {@code name} as given
     */
    static int[] body(String name, IntPredicate known) {
        if (name == null) {
            throw new IllegalArgumentException("name is null");
        }
        int[] cps = name.codePoints().toArray();
        int from = cps.length > 0 && cps[0] == DELIMITER ? 1 : 0;
        int to = cps.length > from && cps[cps.length - 1] == DELIMITER ? cps.length - 1 : cps.length;
        for (int i = from; i < to; i++) {
            if (cps[i] == DELIMITER) {
                throw new IllegalArgumentException(String.format(
                        "'.' at position %d of \"%s\" is the start/end delimiter and cannot occur inside a name",
                        i, name));
            }
            if (!known.test(cps[i])) {
                throw new IllegalArgumentException(String.format(
                        "character '%s' (U+%04X) at position %d of \"%s\" is not in the vocabulary",
                        Character.toString(cps[i]), cps[i], i, name));
            }
        }
        return java.util.Arrays.copyOfRange(cps, from, to);
    }
}
