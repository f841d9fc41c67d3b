package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
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

    @Test
    void sampleSumsOfDisjointAndEqualRowsAreExact() {
        AttentionPattern first = rows(new float[] {1f}, new float[] {1f, 0f}, new float[] {0.5f, 0.5f, 0f});
        AttentionPattern last = rows(new float[] {1f}, new float[] {0f, 1f}, new float[] {0.5f, 0.5f, 0f});
        // rows 1: disjoint → ln 2; rows 2: equal → 0; row 0 is never compared
        assertThat(PairwiseDistances.sampleSums(new AttentionPattern[] {first, last, first}))
                .containsExactly(new double[] {Math.log(2), 0, Math.log(2)}, within(1e-15));
    }

    @Test
    void sampleSumsEqualTheDefinitionRowByRow() {
        Random random = new Random(7);
        for (int t : new int[] {1, 2, 5, 17}) {
            AttentionPattern[] heads = new AttentionPattern[6];
            for (int h = 0; h < heads.length; h++) {
                float[][] pattern = new float[t][];
                for (int q = 0; q < t; q++) {
                    pattern[q] = new float[q + 1];
                    double total = 0;
                    for (int k = 0; k <= q; k++) {
                        // a third of the weights exactly zero, as after a hard mask
                        double w = random.nextInt(3) == 0 ? 0 : Math.exp(4 * random.nextGaussian());
                        pattern[q][k] = (float) w;
                        total += w;
                    }
                    for (int k = 0; k <= q; k++) {
                        pattern[q][k] = total == 0 ? (k == q ? 1f : 0f) : (float) (pattern[q][k] / total);
                    }
                }
                heads[h] = rows(pattern);
            }
            double[] sums = PairwiseDistances.sampleSums(heads);
            int pair = 0;
            for (int a = 0; a < heads.length; a++) {
                for (int b = a + 1; b < heads.length; b++) {
                    double expected = 0;
                    for (int q = 1; q < t; q++) {
                        expected += JensenShannon.divergence(heads[a], heads[b], q);
                    }
                    assertThat(sums[pair++])
                            .as("t %d, heads %d and %d", t, a, b)
                            .isCloseTo(expected, within(1e-12));
                }
            }
        }
    }

    /** Shares of first heads cover every pair once, hold about as many pairs each, and sum as one. */
    @Test
    void sharesCoverEveryPairOnceAndEqualTheWholeSample() {
        Random random = new Random(3);
        for (int h : new int[] {1, 2, 3, 7, 20}) {
            AttentionPattern[] heads = new AttentionPattern[h];
            for (int a = 0; a < h; a++) {
                float[][] pattern = new float[6][];
                for (int q = 0; q < 6; q++) {
                    pattern[q] = new float[q + 1];
                    float total = 0;
                    for (int k = 0; k <= q; k++) {
                        pattern[q][k] = random.nextFloat();
                        total += pattern[q][k];
                    }
                    for (int k = 0; k <= q; k++) {
                        pattern[q][k] /= total;
                    }
                }
                heads[a] = rows(pattern);
            }
            double[] whole = PairwiseDistances.sampleSums(heads);
            PairwiseDistances.SampleHeads prepared = PairwiseDistances.prepare(heads);
            for (int shares = 1; shares <= 5; shares++) {
                double[] split = new double[prepared.pairs()];
                java.util.Arrays.fill(split, Double.NaN);
                assertThat(prepared.shareStart(0, shares)).isZero();
                assertThat(prepared.shareStart(shares, shares)).isEqualTo(h);
                for (int s = 0; s < shares; s++) {
                    int from = prepared.shareStart(s, shares);
                    int to = prepared.shareStart(s + 1, shares);
                    assertThat(to).isGreaterThanOrEqualTo(from);
                    // pairs (a, ·) for from ≤ a < to: at most a share and one head's pairs
                    long pairs = 0;
                    for (int a = from; a < to; a++) {
                        pairs += h - 1 - a;
                    }
                    assertThat(pairs).isLessThanOrEqualTo(prepared.pairs() / shares + h);
                    prepared.sums(from, to, split);
                }
                assertThat(split).as("%d heads, %d shares", h, shares).containsExactly(whole);
            }
        }
    }
}
