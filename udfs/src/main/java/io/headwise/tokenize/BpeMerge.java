package io.headwise.tokenize;

import java.util.Objects;

/**
 * One BPE merge rule, both sides spelled in the {@link ByteLevel} alphabet (so neither contains
 * a space and {@link #toString()} is the classic {@code "left right"} line of {@code vocab.bpe}
 * and of {@code tokenizer.json}'s {@code merges}).
 */
public record BpeMerge(String left, String right) {
    public BpeMerge {
        Objects.requireNonNull(left, "left");
        Objects.requireNonNull(right, "right");
        if (left.isEmpty() || right.isEmpty() || left.indexOf(' ') >= 0 || right.indexOf(' ') >= 0) {
            throw new IllegalArgumentException(String.format(
                    "merge sides must be non-empty byte-level strings without spaces, got \"%s\" and \"%s\"",
                    left, right));
        }
    }

    /** The token the merge produces. */
    public String merged() {
        return left + right;
    }

    @Override
    public String toString() {
        return left + " " + right;
    }
}
