package io.headwise.corpus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;

/** commons-compress (on the test class path through DJL) writes the bzip2 streams. */
class Bz2TailTest {

    @Test
    void aWholeStreamEndsWithTheMarkerWhateverItsBitAlignment() throws Exception {
        Random random = new Random(7);
        for (int n = 0; n < 40; n++) {
            byte[] data = new byte[random.nextInt(5000)];
            random.nextBytes(data);
            byte[] bz2 = compress(data);
            assertThat(Bz2Tail.isComplete(tail(bz2)))
                    .as("length %d", data.length)
                    .isTrue();
        }
    }

    @Test
    void aCutStreamLacksIt() throws Exception {
        Random random = new Random(11);
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) ('a' + random.nextInt(20));
        }
        byte[] bz2 = compress(data);
        for (int cut : new int[] {1, 2, 5, 10, 100, bz2.length / 2}) {
            assertThat(Bz2Tail.isComplete(tail(Arrays.copyOf(bz2, bz2.length - cut))))
                    .as("cut %d", cut)
                    .isFalse();
        }
    }

    private static byte[] compress(byte[] data) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (BZip2CompressorOutputStream bz = new BZip2CompressorOutputStream(out, 1)) {
            bz.write(data);
        }
        return out.toByteArray();
    }

    private static byte[] tail(byte[] file) {
        return Arrays.copyOfRange(file, Math.max(0, file.length - Bz2Tail.TAIL_BYTES), file.length);
    }
}
