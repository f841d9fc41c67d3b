package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RankCorrelationTest {

    @Test
    void monotoneIsOneAndReversedIsMinusOne() {
        double[] x = {0.1, 5, 2, 40};
        assertThat(RankCorrelation.spearman(x, new double[] {1, 3, 2, 4})).isEqualTo(1.0);
        assertThat(RankCorrelation.spearman(x, new double[] {-1, -1e9, -2, -1e10}))
                .isEqualTo(-1.0);
    }

    @Test
    void withoutTiesItIsOneMinusSixSumOfSquaredRankDifferences() {
        // ranks x: 1 2 3 4 5; ranks y: 2 1 4 3 5; Σd² = 4; ρ = 1 − 6·4 / (5·24) = 0.8
        double[] x = {10, 20, 30, 40, 50};
        double[] y = {2.5, 1, 7, 3, 9};
        assertThat(RankCorrelation.spearman(x, y)).isCloseTo(0.8, within(1e-12));
    }

    @Test
    void tiesShareTheirMeanRank() {
        assertThat(RankCorrelation.ranks(new double[] {3, 1, 3, 2})).containsExactly(3.5, 1, 3.5, 2);
        // ranks x: 1 2 3; ranks y: 1.5 1.5 3 → Pearson of (1,2,3) and (1.5,1.5,3) = √3/2
        assertThat(RankCorrelation.spearman(new double[] {1, 2, 3}, new double[] {5, 5, 6}))
                .isCloseTo(Math.sqrt(3) / 2, within(1e-12));
    }

    @Test
    void undefinedWithoutVariation() {
        assertThat(RankCorrelation.spearman(new double[] {1}, new double[] {2})).isNaN();
        assertThat(RankCorrelation.spearman(new double[] {1, 2}, new double[] {4, 4}))
                .isNaN();
    }
}
