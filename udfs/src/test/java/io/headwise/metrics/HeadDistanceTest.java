package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class HeadDistanceTest {

    private static final Offset<Double> EPS = within(1e-7);

    @Test
    void identicalHeadsAreAtZero() {
        AttentionPattern uniform = AttentionPattern.ofRows(Patterns.uniform(5));
        HeadDistance d = HeadDistance.zero().add(uniform, uniform);

        assertThat(d.nRows()).isEqualTo(4);
        assertThat(d.js()).isCloseTo(0.0, EPS);
    }

    @Test
    void previousTokenAndSelfHeadsAreDisjointEverywhere() {
        AttentionPattern prev = AttentionPattern.ofRows(Patterns.oneHot(4, q -> Math.max(q - 1, 0)));
        AttentionPattern self = AttentionPattern.ofRows(Patterns.oneHot(4, q -> q));

        assertThat(HeadDistance.zero().add(prev, self).js()).isCloseTo(Math.log(2), EPS);
    }

    @Test
    void meanOverAllSharedRowsOfAllSamples() {
        // sample 1 (T = 2): row 1 differs, JSD([.5, .5], [1, 0]) = 0.2157616
        AttentionPattern a1 = AttentionPattern.ofRows(new float[][] {{1f}, {0.5f, 0.5f}});
        AttentionPattern b1 = AttentionPattern.ofRows(new float[][] {{1f}, {1f, 0f}});
        // sample 2 (T = 3): both heads uniform, rows 1 and 2 agree
        AttentionPattern u = AttentionPattern.ofRows(Patterns.uniform(3));
        // sample 3 (T = 1): no row with q >= 1
        AttentionPattern single = AttentionPattern.ofRows(new float[][] {{1f}});

        HeadDistance d = HeadDistance.zero().add(a1, b1).add(u, u).add(single, single);

        assertThat(d.nRows()).isEqualTo(3);
        assertThat(d.js()).isCloseTo(0.21576155433883565 / 3, EPS);
        assertThat(HeadDistance.zero().add(a1, b1).merge(HeadDistance.zero().add(u, u)))
                .isEqualTo(HeadDistance.zero().add(a1, b1).add(u, u));
    }

    @Test
    void symmetricInTheTwoHeads() {
        AttentionPattern prev = AttentionPattern.ofRows(Patterns.oneHot(6, q -> Math.max(q - 1, 0)));
        AttentionPattern uniform = AttentionPattern.ofRows(Patterns.uniform(6));

        assertThat(HeadDistance.zero().add(prev, uniform).js())
                .isCloseTo(HeadDistance.zero().add(uniform, prev).js(), within(1e-12))
                .isGreaterThan(0.1);
    }

    @Test
    void rejectsPatternsOfDifferentLengthsAndEmptyFinish() {
        AttentionPattern three = AttentionPattern.ofRows(Patterns.uniform(3));
        AttentionPattern four = AttentionPattern.ofRows(Patterns.uniform(4));
        assertThatThrownBy(() -> HeadDistance.zero().add(three, four))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("heads compared on one sample have patterns of 3 and 4 positions");
        assertThatThrownBy(() -> HeadDistance.zero().js()).isInstanceOf(IllegalStateException.class);
    }
}
