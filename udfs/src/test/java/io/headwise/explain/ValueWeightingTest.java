package io.headwise.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ValueWeightingTest {

    @Test
    void scalesEachKeyByItsValueNorm() {
        float[][] pattern = {{1}, {0.5f, 0.5f}, {0.25f, 0.25f, 0.5f}};
        float[] norms = {2, 0, 4, 99}; // one more position than the pattern (a padded batch)

        float[][] weighted = ValueWeighting.of(pattern, norms);

        assertThat(weighted[0]).containsExactly(2f);
        assertThat(weighted[1]).containsExactly(1f, 0f);
        assertThat(weighted[2]).containsExactly(0.5f, 0f, 2f);
    }

    @Test
    void zeroValueNormsGiveZeroWeights() {
        float[][] weighted = ValueWeighting.of(RolloutTest.identity(3), new float[3]);

        for (float[] row : weighted) {
            assertThat(row).containsOnly(0f);
        }
    }

    @Test
    void rejectsTooFewNorms() {
        assertThatThrownBy(() -> ValueWeighting.of(RolloutTest.identity(3), new float[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("3 pattern rows but 2 value norms");
    }
}
