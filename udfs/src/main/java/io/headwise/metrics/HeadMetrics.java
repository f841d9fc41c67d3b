package io.headwise.metrics;

import java.util.Optional;

/** SPEC §4 per-sample head statistics ({@code head_stats}) of one attention pattern. */
public final class HeadMetrics {

    private HeadMetrics() {}

    /**
     * Statistics of ragged rows; see {@link #headStats(AttentionPattern)}.
     *
     * @param pattern {@code float[T][q + 1]}, row {@code q} = weights of query {@code q} over keys
     *     {@code 0..q}
     * @throws IllegalArgumentException if a row has the wrong length or a weight is not a finite
     *     probability
     */
    public static Optional<HeadStats> headStats(float[][] pattern) {
        return headStats(AttentionPattern.ofRows(pattern));
    }

    /**
     * Averages over the queries {@code q = 1..T-1}; query 0 is skipped because it can only attend
     * to itself, so it carries no information about the head.
     *
     * @return empty when {@code T < 2} (such samples get no {@code head_stats} row)
     */
    public static Optional<HeadStats> headStats(AttentionPattern pattern) {
        int t = pattern.length();
        if (t < 2) {
            return Optional.empty();
        }
        double entropy = 0;
        double distance = 0;
        double prevToken = 0;
        double firstToken = 0;
        double self = 0;
        double maxWeight = 0;
        for (int q = 1; q < t; q++) {
            double max = 0;
            for (int k = 0; k <= q; k++) {
                double a = pattern.weight(q, k);
                if (a > 0) {
                    entropy -= a * Math.log(a);
                }
                distance += a * (q - k);
                max = Math.max(max, a);
            }
            prevToken += pattern.weight(q, q - 1);
            firstToken += pattern.weight(q, 0);
            self += pattern.weight(q, q);
            maxWeight += max;
        }
        int n = t - 1;
        return Optional.of(
                new HeadStats(n, entropy / n, distance / n, prevToken / n, firstToken / n, self / n, maxWeight / n));
    }
}
