package io.headwise.tokenize.wiki;

import java.util.Arrays;

/**
 * Stack of still-open bracket groups in an output buffer: where each group's opening marker
 * starts and how many characters the marker is wide.
 *
 * <p>The passes copy opening markers into their output as they go, because whether a group
 * closes is only known later. A group that never closes keeps its text, but its marker is
 * removed by {@link #removeUnclosedMarkers}, in one linear sweep rather than one delete per
 * group (100k unclosed markers would otherwise cost quadratic time).
 */
final class OpenGroups {

    private int[] starts = new int[16];
    private int[] widths = new int[16];
    private int size;

    void push(int start, int width) {
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            widths = Arrays.copyOf(widths, size * 2);
        }
        starts[size] = start;
        widths[size] = width;
        size++;
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    int topStart() {
        return starts[size - 1];
    }

    int topWidth() {
        return widths[size - 1];
    }

    /** Narrows the top group's marker to its first {@code width} characters. */
    void setTopWidth(int width) {
        widths[size - 1] = width;
    }

    void pop() {
        size--;
    }

    /**
     * Deletes the markers of all groups still open from {@code out}, keeping their text. Starts
     * ascend from bottom to top of the stack because every group opened after the one below it.
     */
    void removeUnclosedMarkers(StringBuilder out) {
        if (size == 0) {
            return;
        }
        StringBuilder kept = new StringBuilder(out.length());
        int from = 0;
        for (int i = 0; i < size; i++) {
            kept.append(out, from, starts[i]);
            from = starts[i] + widths[i];
        }
        kept.append(out, from, out.length());
        out.setLength(0);
        out.append(kept);
        size = 0;
    }
}
