package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PairwiseDistancesTest {

    private static AttentionPattern rows(float[]... rows) {
        return AttentionPattern.ofRows(rows);
    }

    @Test
    void sumsEveryPairOverSamplesAndSkipsMissingHeads() {
        AttentionPattern first = rows(new float[] {1f}, new float[] {1f, 0f});
        AttentionPattern last = rows(new float[] {1f}, new float[] {0f, 1f});
        PairwiseDistances d = new PairwiseDistances(3);
        d.add(new AttentionPattern[] {first, last, first});
        d.add(new AttentionPattern[] {first, null, last});
        // head 0 vs 1: one sample, disjoint rows → ln 2; 0 vs 2: identical then disjoint → ln 2 / 2
        assertThat(d.pair(0, 1).nRows()).isEqualTo(1);
        assertThat(d.pair(0, 1).js()).isCloseTo(Math.log(2), within(1e-12));
        assertThat(d.pair(0, 2).nRows()).isEqualTo(2);
        assertThat(d.pair(0, 2).js()).isCloseTo(Math.log(2) / 2, within(1e-12));
        assertThat(d.pair(1, 2).js()).isCloseTo(Math.log(2), within(1e-12));

        double[][] m = PairwiseDistances.matrix(
                new long[][] {{0, 1, 2}, {0, 0, 1}, {0, 0, 0}}, new double[][] {{0, 0.5, 0.2}, {0, 0, 0.3}, {0, 0, 0}});
        assertThat(m[0]).containsExactly(0, 0.5, 0.1);
        assertThat(m[2]).containsExactly(0.1, 0.3, 0);
    }
}
