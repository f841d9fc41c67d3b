package io.headwise.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a document's token ids into samples of at most {@code blockSize} tokens.
 *
 * <p>With a separator (byte-level tokenizers: {@code <|endoftext|>}) every sample is the separator
 * followed by a window of up to {@code blockSize - 1} document tokens; without one (char-level
 * names, whose {@code .name.} carries its own delimiters) a window is up to {@code blockSize}
 * tokens. Window {@code c} (the {@code chunk}) starts at document token {@code c * stride}; the
 * default stride is the window width, so windows do not overlap, and a smaller stride makes them
 * overlap. A window is emitted only while the previous one did not already reach the end, so the
 * last window may be shorter and no window is wholly inside its predecessor.
 */
public final class Windows {

    private Windows() {}

    /**
     * The samples of {@code ids}; empty when {@code ids} is empty.
     *
     * @param separator the id to put first in every sample, or a negative number for none
     * @param stride the step between window starts; 0 means the window width (no overlap)
     * @throws IllegalArgumentException if the block cannot hold a document token, or the stride is
     *     negative or wider than the window (which would skip tokens)
     */
    public static List<int[]> cut(int[] ids, int blockSize, int stride, int separator) {
        int width = width(blockSize, separator);
        int step = step(width, stride);
        List<int[]> samples = new ArrayList<>();
        for (int start = 0; start < ids.length; start += step) {
            int end = Math.min(ids.length, start + width);
            if (separator >= 0) {
                int[] sample = new int[end - start + 1];
                sample[0] = separator;
                System.arraycopy(ids, start, sample, 1, end - start);
                samples.add(sample);
            } else {
                samples.add(Arrays.copyOfRange(ids, start, end));
            }
            if (end == ids.length) {
                break;
            }
        }
        return samples;
    }

    /** Document tokens per window: the block, less one place for the separator if there is one. */
    public static int width(int blockSize, int separator) {
        int width = separator >= 0 ? blockSize - 1 : blockSize;
        if (width < 1) {
            throw new IllegalArgumentException(String.format(
                    "block size %d leaves no room for a document token%s",
                    blockSize, separator >= 0 ? " after the separator" : ""));
        }
        return width;
    }

    /** The step between window starts: {@code stride}, or the width when it is 0. */
    public static int step(int width, int stride) {
        if (stride < 0 || stride > width) {
            throw new IllegalArgumentException(String.format(
                    "stride %d must be between 1 and the window width %d (0 for no overlap)", stride, width));
        }
        return stride == 0 ? width : stride;
    }
}
