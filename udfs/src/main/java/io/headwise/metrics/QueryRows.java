package io.headwise.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Functions of one attention row {@code A[q][0..q]} (one query of one head on one sample), behind
 * the {@code sql} job's {@code top_attended} and {@code pattern_entropy}.
 */
public final class QueryRows {

    private QueryRows() {}

    /**
     * The {@code k} key positions that query {@code queryPos} attends to most, heaviest first; ties
     * go to the smaller key position. Fewer than {@code k} when the row is shorter.
     *
     * @throws IllegalArgumentException if {@code queryPos} is outside {@code 0..T-1} or {@code k < 1}
     */
    public static int[] topKeys(AttentionPattern pattern, int queryPos, int k) {
        checkQuery(pattern, queryPos);
        if (k < 1) {
            throw new IllegalArgumentException(String.format("top_attended: k must be >= 1, got %d", k));
        }
        Integer[] keys = new Integer[queryPos + 1];
        for (int key = 0; key <= queryPos; key++) {
            keys[key] = key;
        }
        Arrays.sort(
                keys,
                Comparator.comparingDouble((Integer key) -> -pattern.weight(queryPos, key))
                        .thenComparingInt(key -> key));
        int n = Math.min(k, keys.length);
        int[] top = new int[n];
        for (int i = 0; i < n; i++) {
            top[i] = keys[i];
        }
        return top;
    }

    /**
     * {@code −Σ_k A[q][k]·ln A[q][k]} in nats, {@code 0·ln 0 = 0}: the SPEC §4 entropy of a single
     * query (the {@code head_stats.entropy} of a sample is the mean of these over {@code q ≥ 1}).
     *
     * @throws IllegalArgumentException if {@code queryPos} is outside {@code 0..T-1}
     */
    public static double entropy(AttentionPattern pattern, int queryPos) {
        checkQuery(pattern, queryPos);
        double entropy = 0;
        for (int key = 0; key <= queryPos; key++) {
            double w = pattern.weight(queryPos, key);
            if (w > 0) {
                entropy -= w * Math.log(w);
            }
        }
        return entropy;
    }

    /** Whether {@code queryPos} is a query of {@code pattern}. */
    public static boolean hasQuery(AttentionPattern pattern, int queryPos) {
        return queryPos >= 0 && queryPos < pattern.length();
    }

    private static void checkQuery(AttentionPattern pattern, int queryPos) {
        if (!hasQuery(pattern, queryPos)) {
            throw new IllegalArgumentException(
                    String.format("query_pos %d is outside 0..%d", queryPos, pattern.length() - 1));
        }
    }
}
