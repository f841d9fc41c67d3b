package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.Optional;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class HeadMetricsTest {

    private static final Offset<Double> EPS = within(1e-6);

    private static HeadStats stats(float[][] pattern) {
        return HeadMetrics.headStats(pattern).orElseThrow();
    }

    @Test
    void perfectPreviousTokenHead() {
        HeadStats s = stats(Patterns.oneHot(4, q -> Math.max(q - 1, 0)));

        assertThat(s.nQueries()).isEqualTo(3);
        assertThat(s.prevToken()).isCloseTo(1.0, EPS);
        assertThat(s.distance()).isCloseTo(1.0, EPS);
        assertThat(s.entropy()).isCloseTo(0.0, EPS);
        assertThat(s.maxWeight()).isCloseTo(1.0, EPS);
        assertThat(s.self()).isCloseTo(0.0, EPS);
        // query 1's previous token is key 0: 1 of 3 queries lands on the first token
        assertThat(s.firstToken()).isCloseTo(1.0 / 3, EPS);
    }

    @Test
    void uniformCausalHead() {
        HeadStats s = stats(Patterns.uniform(4));

        // entropy = mean(ln 2, ln 3, ln 4) = ln(24) / 3
        assertThat(s.entropy()).isCloseTo(1.0593512767826485, EPS);
        // distance = mean(q / 2) over q = 1, 2, 3
        assertThat(s.distance()).isCloseTo(1.0, EPS);
        // first_token = mean(1/2, 1/3, 1/4); for a uniform row every key has that weight
        assertThat(s.firstToken()).isCloseTo(0.3611111111111111, EPS);
        assertThat(s.prevToken()).isCloseTo(0.3611111111111111, EPS);
        assertThat(s.self()).isCloseTo(0.3611111111111111, EPS);
        assertThat(s.maxWeight()).isCloseTo(0.3611111111111111, EPS);
    }

    @Test
    void selfHead() {
        HeadStats s = stats(Patterns.oneHot(3, q -> q));

        assertThat(s.nQueries()).isEqualTo(2);
        assertThat(s.self()).isCloseTo(1.0, EPS);
        assertThat(s.distance()).isCloseTo(0.0, EPS);
        assertThat(s.prevToken()).isCloseTo(0.0, EPS);
        assertThat(s.firstToken()).isCloseTo(0.0, EPS);
        assertThat(s.entropy()).isCloseTo(0.0, EPS);
        assertThat(s.maxWeight()).isCloseTo(1.0, EPS);
    }

    @Test
    void attentionSinkHead() {
        HeadStats s = stats(Patterns.oneHot(5, q -> 0));

        assertThat(s.nQueries()).isEqualTo(4);
        assertThat(s.firstToken()).isCloseTo(1.0, EPS);
        assertThat(s.distance()).isCloseTo((1 + 2 + 3 + 4) / 4.0, EPS);
        assertThat(s.prevToken()).isCloseTo(0.25, EPS); // only query 1, whose previous key is 0
        assertThat(s.self()).isCloseTo(0.0, EPS);
        assertThat(s.entropy()).isCloseTo(0.0, EPS);
    }

    @Test
    void twoTokenSample() {
        HeadStats s = stats(new float[][] {{1f}, {0.25f, 0.75f}});

        assertThat(s.nQueries()).isEqualTo(1);
        // −(0.25·ln 0.25 + 0.75·ln 0.75)
        assertThat(s.entropy()).isCloseTo(0.5623351446188083, EPS);
        assertThat(s.distance()).isCloseTo(0.25, EPS);
        assertThat(s.prevToken()).isCloseTo(0.25, EPS);
        assertThat(s.firstToken()).isCloseTo(0.25, EPS);
        assertThat(s.self()).isCloseTo(0.75, EPS);
        assertThat(s.maxWeight()).isCloseTo(0.75, EPS);
    }

    @Test
    void mixedRowsByHand() {
        HeadStats s = stats(new float[][] {{1f}, {0.5f, 0.5f}, {0.2f, 0.3f, 0.5f}});

        // (ln 2 + [−(0.2 ln 0.2 + 0.3 ln 0.3 + 0.5 ln 0.5) = 1.0296530]) / 2
        assertThat(s.entropy()).isCloseTo(0.8614000973122595, EPS);
        assertThat(s.distance()).isCloseTo((0.5 + (0.2 * 2 + 0.3 * 1)) / 2, EPS); // 0.6
        assertThat(s.prevToken()).isCloseTo((0.5 + 0.3) / 2, EPS);
        assertThat(s.firstToken()).isCloseTo((0.5 + 0.2) / 2, EPS);
        assertThat(s.self()).isCloseTo(0.5, EPS);
        assertThat(s.maxWeight()).isCloseTo(0.5, EPS);
    }

    @Test
    void fewerThanTwoPositionsGiveNoRow() {
        assertThat(HeadMetrics.headStats(new float[][] {{1f}})).isEqualTo(Optional.empty());
        assertThat(HeadMetrics.headStats(new float[0][])).isEmpty();
    }

    @Test
    void squareBlockInsidePaddedBufferMatchesRaggedRows() {
        float[][] rows = {{1f}, {0.5f, 0.5f}, {0.2f, 0.3f, 0.5f}};
        int offset = 5;
        int stride = 4; // padded length P = 4, sample length T = 3
        float[] buffer = new float[offset + 3 * stride + 7];
        Arrays.fill(buffer, Float.NaN); // masked and padded entries must never be read
        for (int q = 0; q < rows.length; q++) {
            System.arraycopy(rows[q], 0, buffer, offset + q * stride, q + 1);
        }

        HeadStats square = HeadMetrics.headStats(AttentionPattern.ofSquare(buffer, offset, 3, stride))
                .orElseThrow();

        assertThat(square).isEqualTo(stats(rows));
        assertThat(square.distance()).isCloseTo(0.6, EPS);
    }

    @Test
    void doesNotModifyItsInput() {
        float[][] rows = {{1f}, {0.25f, 0.75f}};
        stats(rows);
        assertThat(rows[1]).containsExactly(0.25f, 0.75f);
    }

    @Test
    void rejectsRowOfWrongLength() {
        float[][] rows = {{1f}, {0.5f, 0.5f}, {0.5f, 0.5f}};
        assertThatThrownBy(() -> HeadMetrics.headStats(rows))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attention pattern row query_pos=2 has length 2, expected 3 (key_pos 0..2)");
    }

    @Test
    void rejectsNonFiniteOrNegativeWeights() {
        assertThatThrownBy(() -> HeadMetrics.headStats(new float[][] {{1f}, {Float.NaN, 1f}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "attention weight at query_pos=1, key_pos=0 is NaN;" + " expected a finite probability >= 0");
        assertThatThrownBy(() -> HeadMetrics.headStats(new float[][] {{1f}, {0.5f, -0.5f}}))
                .hasMessageContaining("query_pos=1, key_pos=1 is -0.5");
        assertThatThrownBy(() -> HeadMetrics.headStats(new float[][] {{Float.POSITIVE_INFINITY}}))
                .hasMessageContaining("query_pos=0, key_pos=0 is Infinity");
    }

    @Test
    void rejectsSquareBlockPastTheBuffer() {
        assertThatThrownBy(() -> AttentionPattern.ofSquare(new float[8], 0, 3, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("square attention block offset=0, t=3, stride=3 ends at 9," + " past the buffer length 8");
        assertThatThrownBy(() -> AttentionPattern.ofSquare(new float[16], 0, 4, 3))
                .hasMessageContaining("stride >= t");
    }
}
