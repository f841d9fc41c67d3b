package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class JensenShannonTest {

    private static final Offset<Double> EPS = within(1e-7);

    @Test
    void identicalDistributionsHaveZeroDivergence() {
        float[] p = {0.1f, 0.2f, 0.7f};
        assertThat(JensenShannon.divergence(p, p.clone())).isCloseTo(0.0, EPS);
    }

    @Test
    void disjointOneHotRowsReachLn2() {
        assertThat(JensenShannon.divergence(new float[] {1, 0, 0}, new float[] {0, 0, 1}))
                .isCloseTo(Math.log(2), EPS);
    }

    @Test
    void handComputedCase() {
        // m = (0.75, 0.25); ½[0.5 ln(0.5/0.75) + 0.5 ln(0.5/0.25) + 1 ln(1/0.75)]
        assertThat(JensenShannon.divergence(new float[] {0.5f, 0.5f}, new float[] {1, 0}))
                .isCloseTo(0.21576155433883565, EPS);
        assertThat(JensenShannon.divergence(new float[] {0.1f, 0.2f, 0.7f}, new float[] {0.3f, 0.3f, 0.4f}))
                .isCloseTo(0.051912259238103414, within(1e-6));
    }

    @Test
    void symmetricAndWithinZeroToLn2() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            float[] p = randomDistribution(random, 6);
            float[] q = randomDistribution(random, 6);
            double pq = JensenShannon.divergence(p, q);
            assertThat(JensenShannon.divergence(q, p)).isCloseTo(pq, within(1e-12));
            assertThat(pq).isBetween(0.0, Math.log(2));
        }
    }

    @Test
    void rowsOfTwoPatternsReadInPlace() {
        AttentionPattern prev = AttentionPattern.ofRows(Patterns.oneHot(3, q -> Math.max(q - 1, 0)));
        AttentionPattern uniform = AttentionPattern.ofRows(Patterns.uniform(3));

        assertThat(JensenShannon.divergence(prev, uniform, 1)).isCloseTo(0.21576155433883565, EPS);
        assertThat(JensenShannon.divergence(prev, prev, 2)).isCloseTo(0.0, EPS);
    }

    @Test
    void rejectsMismatchedOrInvalidInput() {
        assertThatThrownBy(() -> JensenShannon.divergence(new float[2], new float[3]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Jensen-Shannon divergence needs equal lengths, got 2 and 3");
        assertThatThrownBy(() -> JensenShannon.divergence(new float[] {1, 0}, new float[] {Float.NaN, 1}))
                .hasMessage("q[0] is NaN; expected a finite probability >= 0");
    }

    private static float[] randomDistribution(Random random, int size) {
        float[] p = new float[size];
        double total = 0;
        for (int i = 0; i < size; i++) {
            p[i] = random.nextInt(3) == 0 ? 0f : random.nextFloat();
            total += p[i];
        }
        for (int i = 0; i < size; i++) {
            p[i] = total == 0 ? 1f / size : (float) (p[i] / total);
        }
        return p;
    }
}
