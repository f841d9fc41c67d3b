package io.headwise.tokenize;

import java.nio.charset.StandardCharsets;

/**
 * Renders the bytes of one byte-level token as a readable piece for the {@code tokens} column.
 *
 * <p>A byte-level BPE token can hold part of a UTF-8 character (an emoji is four bytes and is
 * often split over two tokens). Decoding such a token alone would give U+FFFD, and every partial
 * token would then look the same in {@code top_tokens}. So complete, valid UTF-8 characters are
 * decoded and every other byte is written as {@code <0xHH>} (upper-case hex, the SentencePiece
 * byte-fallback spelling): distinct tokens get distinct pieces, and the raw bytes stay visible.
 * Concatenating the pieces of a text therefore equals the text only when no character is split.
 */
public final class Utf8Pieces {
    private Utf8Pieces() {}

    /** The piece for {@code bytes}, following the rule in the class comment. */
    public static String render(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            int len = validSequenceLength(bytes, i);
            if (len > 0) {
                sb.append(new String(bytes, i, len, StandardCharsets.UTF_8));
                i += len;
            } else {
                sb.append(String.format("<0x%02X>", bytes[i] & 0xFF));
                i++;
            }
        }
        return sb.toString();
    }

    /** Length of the valid UTF-8 character starting at {@code i}, or 0 if there is none. */
    private static int validSequenceLength(byte[] bytes, int i) {
        int lead = bytes[i] & 0xFF;
        int len;
        if (lead < 0x80) {
            return 1;
        } else if (lead >= 0xC2 && lead <= 0xDF) {
            len = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            len = 3;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            len = 4;
        } else {
            return 0;
        }
        if (i + len > bytes.length) {
            return 0;
        }
        for (int k = 1; k < len; k++) {
            if ((bytes[i + k] & 0xC0) != 0x80) {
                return 0;
            }
        }
        // Overlong forms, surrogates and code points above U+10FFFF pass the shape test above but
        // the JDK decoder replaces them, so they do not survive a round trip.
        byte[] slice = java.util.Arrays.copyOfRange(bytes, i, i + len);
        String decoded = new String(slice, StandardCharsets.UTF_8);
        return java.util.Arrays.equals(decoded.getBytes(StandardCharsets.UTF_8), slice) ? len : 0;
    }
}
