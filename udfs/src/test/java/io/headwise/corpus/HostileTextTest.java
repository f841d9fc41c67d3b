package io.headwise.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.compress.BZip2Codec;

/**
 * Generated hostile corpus bytes for the pure readers: any bytes (invalid UTF-8, NUL bytes,
 * surrogates, overlong forms) either decode to text that encodes back to the same bytes, or are
 * refused naming the offset of the first bad byte; every cut of a {@code .bz2} file is seen as
 * truncated.
 */
class HostileTextTest {

    private static final AtomicLong TRIED = new AtomicLong();

    @AfterContainer
    static void printCounts() {
        System.out.printf("hostile corpus byte strings tried: %d%n", TRIED.get());
    }

    @Property(tries = 2000)
    void bytesDecodeExactlyOrAreRefusedAtTheirFirstBadByte(@ForAll byte[] bytes) {
        TRIED.incrementAndGet();
        try {
            String text = Utf8Text.decode(bytes, bytes.length);
            assertThat(text.getBytes(StandardCharsets.UTF_8)).isEqualTo(bytes);
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).startsWith("invalid UTF-8: byte 0x").doesNotContain("\n");
            int at = Integer.parseInt(e.getMessage().replaceAll(".* at offset (\\d+)$", "$1"));
            assertThat(at).isBetween(0, bytes.length - 1);
            // the bytes before it hold no bad sequence that ends before it
            String before = new String(Arrays.copyOf(bytes, at), StandardCharsets.UTF_8);
            assertThat(before).doesNotContain("\uFFFD");
        }
    }

    @Example
    void aNulByteIsText() {
        TRIED.incrementAndGet();
        assertThat(Utf8Text.decode(new byte[] {'a', 0, 'b'}, 3)).isEqualTo("a\u0000b");
        TRIED.incrementAndGet();
        assertThatThrownBy(() -> Utf8Text.decode(new byte[] {'a', (byte) 0xC0, (byte) 0x80}, 3))
                .hasMessage("invalid UTF-8: byte 0xC0 at offset 1"); // overlong NUL
        TRIED.incrementAndGet();
        assertThatThrownBy(() -> Utf8Text.decode(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, 3))
                .hasMessage("invalid UTF-8: byte 0xED at offset 0"); // a UTF-16 surrogate
    }

    @Example
    void everyCutOfABzip2FileIsTruncated() throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            text.append("line ").append(i * 7919 % 10007).append('\n');
        }
        BZip2Codec codec = new BZip2Codec();
        codec.setConf(new Configuration());
        ByteArrayOutputStream bz2 = new ByteArrayOutputStream();
        try (OutputStream out = codec.createOutputStream(bz2)) {
            out.write(text.toString().getBytes(StandardCharsets.US_ASCII));
        }
        byte[] whole = bz2.toByteArray();
        assertThat(Bz2Tail.isComplete(tail(whole, whole.length))).isTrue();
        for (int cut = 0; cut < whole.length; cut++) {
            TRIED.incrementAndGet();
            assertThat(Bz2Tail.isComplete(tail(whole, cut)))
                    .as("cut at %d", cut)
                    .isFalse();
        }
    }

    private static byte[] tail(byte[] bytes, int length) {
        return Arrays.copyOfRange(bytes, Math.max(0, length - Bz2Tail.TAIL_BYTES), length);
    }
}
