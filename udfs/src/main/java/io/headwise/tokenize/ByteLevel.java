package io.headwise.tokenize;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-level alphabet: a bijection between the 256 byte values and 256 printable
 * Unicode characters, so that any byte sequence can be a vocabulary string without spaces or
 * control characters in it.
 *
 * <p>Bytes that are printable Latin-1 ({@code '!'..'~'}, {@code '¡'..'¬'}, {@code '®'..'ÿ'})
 * stand for themselves; the remaining 68 bytes, in increasing order, get {@code U+0100},
 * {@code U+0101}, … (so a space, byte 32, is {@code 'Ġ'} = U+0120 and a newline is
 * {@code 'Ċ'}). This is the table of OpenAI's {@code bytes_to_unicode} and of Hugging Face's
 * {@code ByteLevel} pre-tokenizer; vocabularies written with it load in both.
 */
public final class ByteLevel {
    private static final char[] CHAR_OF_BYTE = new char[256];
    private static final int[] BYTE_OF_CHAR = new int[512];

    static {
        java.util.Arrays.fill(BYTE_OF_CHAR, -1);
        int next = 256;
        for (int b = 0; b < 256; b++) {
            char c = printable(b) ? (char) b : (char) next++;
            CHAR_OF_BYTE[b] = c;
            BYTE_OF_CHAR[c] = b;
        }
    }

    private ByteLevel() {}

    private static boolean printable(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }

    /** The character that stands for byte {@code b} (0..255, or a signed Java byte). */
    public static char charOf(int b) {
        return CHAR_OF_BYTE[b & 0xFF];
    }

    /** The byte (0..255) that {@code c} stands for, or -1 when {@code c} is not in the alphabet. */
    public static int byteOf(char c) {
        return c < BYTE_OF_CHAR.length ? BYTE_OF_CHAR[c] : -1;
    }

    /** Maps every byte to its character. */
    public static String encode(byte[] bytes) {
        StringBuilder sb = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            sb.append(charOf(b));
        }
        return sb.toString();
    }

    /** {@link #encode(byte[])} of the UTF-8 bytes of {@code text}. */
    public static String encodeUtf8(String text) {
        return encode(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Maps characters back to bytes.
     *
     * @throws IllegalArgumentException naming the first character that is not in the alphabet
     */
    public static byte[] decode(String s) {
        byte[] out = new byte[s.length()];
        for (int i = 0; i < s.length(); i++) {
            int b = byteOf(s.charAt(i));
            if (b < 0) {
                throw new IllegalArgumentException(String.format(
                        "character U+%04X at position %d of \"%s\" is not in the byte-level alphabet",
                        (int) s.charAt(i), i, s));
            }
            out[i] = (byte) b;
        }
        return out;
    }
}
