package io.headwise.corpus;

/**
 * Whether a {@code .bz2} file ends with bzip2's end-of-stream marker. A bzip2 stream ends with the
 * 48-bit magic {@code 0x177245385090} and a 32-bit CRC, padded with 0 to 7 bits to a byte boundary,
 * so a file cut short lacks the marker in its last bytes. Checking those few bytes tells a truncated
 * dump from a whole one without decompressing it.
 */
public final class Bz2Tail {

    /** How many bytes at the end of a file {@link #isComplete} needs. */
    public static final int TAIL_BYTES = 11;

    private static final long END_OF_STREAM = 0x177245385090L;

    private Bz2Tail() {}

    /** Whether {@code tail}, the last bytes of a file (up to {@link #TAIL_BYTES}), end a stream. */
    public static boolean isComplete(byte[] tail) {
        int bits = tail.length * 8;
        for (int pad = 0; pad < 8; pad++) {
            int magicEnd = bits - pad - 32;
            int magicStart = magicEnd - 48;
            if (magicStart < 0) {
                break;
            }
            if (bitsAt(tail, magicStart, 48) == END_OF_STREAM) {
                return true;
            }
        }
        return false;
    }

    private static long bitsAt(byte[] bytes, int start, int count) {
        long value = 0;
        for (int i = start; i < start + count; i++) {
            int bit = (bytes[i >>> 3] >>> (7 - (i & 7))) & 1;
            value = (value << 1) | bit;
        }
        return value;
    }
}
