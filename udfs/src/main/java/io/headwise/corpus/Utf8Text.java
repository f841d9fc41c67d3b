package io.headwise.corpus;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: readers that decode leniently turn bad bytes into U+FFFD without a word;
 * ours must reject such a record instead, naming where the bad bytes are.
 */
public final class Utf8Text {

    /** Characters of a record kept as its excerpt in {@code rejects}. */
    public static final int EXCERPT_CHARS = 200;

    private Utf8Text() {}

    /**
     * {@code bytes[0, length)} as text.
     *
     * @throws IllegalArgumentException naming the byte offset and value of the first invalid byte
     */
    public static String decode(byte[] bytes, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes, 0, length)).toString();
        } catch (CharacterCodingException e) {
            int at = firstInvalid(bytes, length);
            throw new IllegalArgumentException(
                    String.format("invalid UTF-8: byte 0x%02X at offset %d", bytes[at] & 0xFF, at), e);
        }
    }

    /** The text of possibly invalid bytes with bad sequences as U+FFFD, for an excerpt only. */
    public static String lenient(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /** The first {@link #EXCERPT_CHARS} characters of {@code text} (null stays null). */
    public static String excerpt(String text) {
        if (text == null || text.length() <= EXCERPT_CHARS) {
            return text;
        }
        int end = EXCERPT_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // do not cut a character in half
        }
        return text.substring(0, end);
    }

    private static int firstInvalid(byte[] bytes, int length) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
        CharBuffer out = CharBuffer.allocate(length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : 0;
    }
}
