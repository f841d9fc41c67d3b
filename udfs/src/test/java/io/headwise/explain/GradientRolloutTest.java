package io.headwise.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class GradientRolloutTest {

    @Test
    void withoutRelevanceEachQueryKeepsItself() {
        float[] row = GradientRollout.row(new double[2][4][4], 2);

        assertThat(row).containsExactly(0f, 0f, 1f);
    }

    @Test
    void oneLayerIsTheQueryPlusItsRelevanceRowNormalised() {
        // R = I + Ā_0; row 2 = [0.5, 0, 1 + 1.5] = [0.5, 0, 2.5], sum 3.
        double[][] abar = {
            {0, 0, 0},
            {1, 1, 0},
            {0.5, 0, 1.5},
        };

        float[] row = GradientRollout.row(new double[][][] {abar}, 2);

        assertThat(row[0]).isCloseTo(1f / 6, within(1e-7f));
        assertThat(row[1]).isZero();
        assertThat(row[2]).isCloseTo(5f / 6, within(1e-7f));
    }

    @Test
    void laterLayersMultiplyOnTheLeft() {
        // Ā_0 moves position 1 onto key 0, Ā_1 moves query 2 onto position 1.
        // R = (I + Ā_1)(I + Ā_0); row 2 of (I + Ā_1) = [0, 1, 1]; times (I + Ā_0), whose rows are
        // [1, 0, 0], [1, 1, 0], [0, 0, 1]: [1, 1, 1]. The other order gives row 2 = [0, 1, 1].
        double[][] a0 = {{0, 0, 0}, {1, 0, 0}, {0, 0, 0}};
        double[][] a1 = {{0, 0, 0}, {0, 0, 0}, {0, 1, 0}};

        float[] row = GradientRollout.row(new double[][][] {a0, a1}, 2);
        float[] reversed = GradientRollout.row(new double[][][] {a1, a0}, 2);

        assertThat(row).containsExactly(1f / 3, 1f / 3, 1f / 3);
        assertThat(reversed).containsExactly(0f, 0.5f, 0.5f);
    }
}
