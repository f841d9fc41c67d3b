package io.headwise.metrics;

/**
 * Running sums of the SPEC §4 probe scores of one head over repeated-random-token sequences
 * {@code [bos] + r + r}, {@code r} of length {@code n = half_length}, so {@code T = 1 + 2n}.
 *
 * <p>The second copy of {@code r_i} sits at {@code q = 1 + n + i}, {@code i = 0..n-1}; for each
 * such query the sums collect {@code A[q][q−n+1]} (induction: the token after the earlier copy),
 * {@code A[q][q−n]} (duplicate: the earlier copy itself) and {@code A[q][q−1]} (previous
 * token).
 * Zero / add / merge / finish: start from {@link #zero}, {@link #add} each sequence's pattern,
 * {@link #merge} partial results, {@link #finish} to the means over all those queries of all
 * sequences. Every sequence contributes {@code n} queries, so this is also the mean of the
 * per-sequence means. Instances are immutable.
 *
 * @param halfLength {@code n}, at least 1
 * @param nSequences sequences added so far
 * @param inductionSum Σ over sequences and queries of {@code A[q][q−n+1]}
 * @param duplicateSum Σ of {@code A[q][q−n]}
 * @param prevTokenSum Σ of {@code A[q][q−1]}
 */
public record ProbeScores(
        int halfLength, long nSequences, double inductionSum, double duplicateSum, double prevTokenSum) {

    public ProbeScores {
        if (halfLength < 1) {
            throw new IllegalArgumentException(String.format("probe half_length must be >= 1, got %d", halfLength));
        }
        if (nSequences < 0) {
            throw new IllegalArgumentException(String.format("probe n_sequences must be >= 0, got %d", nSequences));
        }
    }

    /** The {@code head_probes} scores of one head. */
    public record Result(double induction, double duplicate, double prevToken, long nSequences, int halfLength) {}

    /** No sequences yet. */
    public static ProbeScores zero(int halfLength) {
        return new ProbeScores(halfLength, 0, 0, 0, 0);
    }

    /**
     * Adds one probe sequence.
     *
     * @param pattern the head's pattern on {@code [bos] + r + r}; {@code T} must be {@code 1 + 2n}
     * @throws IllegalArgumentException if the pattern is not that long
     */
    public ProbeScores add(AttentionPattern pattern) {
        int n = halfLength;
        if (pattern.length() != 1 + 2 * n) {
            throw new IllegalArgumentException(String.format(
                    "probe pattern has %d positions, expected 1 + 2 * half_length = %d", pattern.length(), 1 + 2 * n));
        }
        double induction = 0;
        double duplicate = 0;
        double prevToken = 0;
        for (int i = 0; i < n; i++) {
            int q = 1 + n + i;
            induction += pattern.weight(q, q - n + 1);
            duplicate += pattern.weight(q, q - n);
            prevToken += pattern.weight(q, q - 1);
        }
        return new ProbeScores(
                n, nSequences + 1, inductionSum + induction, duplicateSum + duplicate, prevTokenSum + prevToken);
    }

    /** Combines two partial results over disjoint sequences with the same half length. */
    public ProbeScores merge(ProbeScores other) {
        if (other.halfLength != halfLength) {
            throw new IllegalArgumentException(String.format(
                    "cannot merge probe scores with half_length %d and %d", halfLength, other.halfLength));
        }
        return new ProbeScores(
                halfLength,
                nSequences + other.nSequences,
                inductionSum + other.inductionSum,
                duplicateSum + other.duplicateSum,
                prevTokenSum + other.prevTokenSum);
    }

    /**
     * Means over all {@code n_sequences · n} probed queries.
     *
     * @throws IllegalStateException if no sequence was added
     */
    public Result finish() {
        if (nSequences == 0) {
            throw new IllegalStateException("no probe sequences were added");
        }
        double queries = (double) nSequences * halfLength;
        return new Result(
                inductionSum / queries, duplicateSum / queries, prevTokenSum / queries, nSequences, halfLength);
    }
}
