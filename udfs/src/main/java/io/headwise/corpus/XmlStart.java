package io.headwise.corpus;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/** The first characters of a file that may be XML, decoded by its byte-order mark. */
public final class XmlStart {

    private XmlStart() {}

    /**
     * {@code head} (the first bytes of a file) as text: UTF-16 LE or BE after a byte-order mark,
     * else UTF-8 (a UTF-8 mark dropped); bytes that do not decode become U+FFFD.
     */
    public static String text(byte[] head) {
        Charset charset = StandardCharsets.UTF_8;
        int skip = 0;
        if (head.length >= 2 && (head[0] & 0xFF) == 0xFF && (head[1] & 0xFF) == 0xFE) {
            charset = StandardCharsets.UTF_16LE;
            skip = 2;
        } else if (head.length >= 2 && (head[0] & 0xFF) == 0xFE && (head[1] & 0xFF) == 0xFF) {
            charset = StandardCharsets.UTF_16BE;
            skip = 2;
        } else if (head.length >= 3
                && (head[0] & 0xFF) == 0xEF
                && (head[1] & 0xFF) == 0xBB
                && (head[2] & 0xFF) == 0xBF) {
            skip = 3;
        }
        return new String(head, skip, head.length - skip, charset);
    }
}
