package io.headwise.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class WindowsTest {

    private static final int SEP = 99;

    @Test
    void separatorThenNonOverlappingWindowsOfBlockSizeMinusOne() {
        List<int[]> samples = Windows.cut(new int[] {1, 2, 3, 4, 5, 6, 7}, 4, 0, SEP);
        assertThat(samples).containsExactly(new int[] {SEP, 1, 2, 3}, new int[] {SEP, 4, 5, 6}, new int[] {SEP, 7});
    }

    @Test
    void aDocumentThatFitsIsOneSample() {
        assertThat(Windows.cut(new int[] {1, 2, 3}, 4, 0, SEP)).containsExactly(new int[] {SEP, 1, 2, 3});
    }

    @Test
    void aStrideSmallerThanTheWindowOverlapsAndStopsOnceTheEndIsReached() {
        // width 3, stride 2: starts 0, 2, 4; the window at 4 reaches the end (4, 5), none at 6.
        List<int[]> samples = Windows.cut(new int[] {1, 2, 3, 4, 5, 6}, 4, 2, SEP);
        assertThat(samples).containsExactly(new int[] {SEP, 1, 2, 3}, new int[] {SEP, 3, 4, 5}, new int[] {SEP, 5, 6});
    }

    @Test
    void withoutSeparatorTheWindowIsTheWholeBlock() {
        // A char-level `.name.` longer than the block: 0 a b c d 0 with block 4.
        assertThat(Windows.cut(new int[] {0, 1, 2, 3, 4, 0}, 4, 0, -1))
                .containsExactly(new int[] {0, 1, 2, 3}, new int[] {4, 0});
        assertThat(Windows.cut(new int[] {0, 1, 0}, 32, 0, -1)).containsExactly(new int[] {0, 1, 0});
    }

    @Test
    void noTokensNoSamples() {
        assertThat(Windows.cut(new int[0], 4, 0, SEP)).isEmpty();
    }

    @Test
    void refusesABlockWithNoRoomAndAStrideThatSkipsTokens() {
        assertThatThrownBy(() -> Windows.cut(new int[] {1}, 1, 0, SEP))
                .hasMessage("block size 1 leaves no room for a document token after the separator");
        assertThatThrownBy(() -> Windows.cut(new int[] {1}, 4, 4, SEP))
                .hasMessage("stride 4 must be between 1 and the window width 3 (0 for no overlap)");
        assertThatThrownBy(() -> Windows.cut(new int[] {1}, 4, -1, -1))
                .hasMessage("stride -1 must be between 1 and the window width 4 (0 for no overlap)");
    }
}
