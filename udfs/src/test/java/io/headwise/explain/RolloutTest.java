package io.headwise.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class RolloutTest {

    @Test
    void identityPatternsRollOutToTheIdentity() {
        float[][][][] patterns = new float[3][2][][];
        for (int l = 0; l < 3; l++) {
            for (int h = 0; h < 2; h++) {
                patterns[l][h] = identity(5);
            }
        }

        float[][] r = Rollout.of(patterns);

        for (int q = 0; q < 5; q++) {
            assertThat(r[q]).hasSize(q + 1);
            for (int k = 0; k <= q; k++) {
                assertThat(r[q][k]).as("R[%d][%d]", q, k).isEqualTo(k == q ? 1f : 0f);
            }
        }
    }

    @Test
    void oneLayerIsHalfTheHeadMeanPlusHalfTheIdentity() {
        // Two heads on three positions; the head mean is [[1], [1/2, 1/2], [1/4, 1/4, 1/2]].
        float[][] a = {{1}, {1, 0}, {0.5f, 0, 0.5f}};
        float[][] b = {{1}, {0, 1}, {0, 0.5f, 0.5f}};

        float[][] r = Rollout.of(new float[][][][] {{a, b}});

        assertThat(r[0]).containsExactly(1f);
        assertThat(r[1]).containsExactly(0.25f, 0.75f);
        assertThat(r[2]).containsExactly(0.125f, 0.125f, 0.75f);
    }

    @Test
    void twoLayersMultiplyTheLaterLayerOnTheLeft() {
        // Layer 0, every query on its previous key: Â_0 = [[1], [½, ½], [0, ½, ½]].
        // Layer 1, query 1 on itself, query 2 on keys 0 and 1 evenly: Â_1 = [[1], [0, 1], [¼, ¼, ½]].
        // R = Â_1·Â_0: row 1 = Â_0[1] = [½, ½]; row 2 = ¼·Â_0[0] + ¼·Â_0[1] + ½·Â_0[2] = [⅜, ⅜, ¼].
        // The other order, Â_0·Â_1, would give row 2 = ½·Â_1[1] + ½·Â_1[2] = [⅛, ⅝, ¼].
        float[][] previous = {{1}, {1, 0}, {0, 1, 0}};
        float[][] spread = {{1}, {0, 1}, {0.5f, 0.5f, 0}};

        float[][] r = Rollout.of(new float[][][][] {{previous}, {spread}});

        assertThat(r[0]).containsExactly(1f);
        assertThat(r[1]).containsExactly(0.5f, 0.5f);
        assertThat(r[2]).containsExactly(0.375f, 0.375f, 0.25f);
    }

    @Test
    void rowsSumToOneAndStayCausal() {
        Random random = new Random(3);
        int t = 9;
        float[][][][] patterns = new float[4][3][][];
        for (int l = 0; l < 4; l++) {
            for (int h = 0; h < 3; h++) {
                patterns[l][h] = randomPattern(t, random);
            }
        }

        float[][] r = Rollout.of(patterns);

        assertThat(r).hasNumberOfRows(t);
        for (int q = 0; q < t; q++) {
            assertThat(r[q]).as("row %d", q).hasSize(q + 1);
            double sum = 0;
            for (float w : r[q]) {
                assertThat(w).isBetween(0f, 1f);
                sum += w;
            }
            assertThat(sum).as("row %d", q).isCloseTo(1.0, within(1e-6));
            // R[q][q] ≥ Π_l ½ = 1/16: each Â_l keeps half of a position on itself.
            assertThat(r[q][q]).isGreaterThanOrEqualTo(1f / 16);
        }
    }

    @Test
    void rejectsAcausalRows() {
        float[][] square = {{1, 0}, {0.5f, 0.5f}};
        assertThatThrownBy(() -> Rollout.of(new float[][][][] {{square}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0 of 2 needs 1 weights");
    }

    static float[][] identity(int t) {
        float[][] rows = new float[t][];
        for (int q = 0; q < t; q++) {
            rows[q] = new float[q + 1];
            rows[q][q] = 1;
        }
        return rows;
    }

    static float[][] randomPattern(int t, Random random) {
        float[][] rows = new float[t][];
        for (int q = 0; q < t; q++) {
            rows[q] = new float[q + 1];
            double sum = 0;
            double[] w = new double[q + 1];
            for (int k = 0; k <= q; k++) {
                w[k] = Math.exp(3 * random.nextGaussian());
                sum += w[k];
            }
            for (int k = 0; k <= q; k++) {
                rows[q][k] = (float) (w[k] / sum);
            }
        }
        return rows;
    }
}
