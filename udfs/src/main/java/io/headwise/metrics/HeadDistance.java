package io.headwise.metrics;

/**
 * Running Jensen–Shannon distance between two heads {@code a} and {@code b} over the same
 * samples: {@code js} = the mean, over every shared attention row (sample, query
 * {@code q ≥ 1}), of {@code JSD(A_a[q], A_b[q])} in nats, so it lies in {@code [0, ln 2]}.
 *
 * <p>Clark et al. (2019) sum the divergence over rows; we average so the distance does not grow
 * with the corpus and stays comparable across runs. Row 0 is skipped as in SPEC §4: both heads
 * must put all weight on key 0 there. Zero / add / merge / finish; instances are immutable.
 *
 * @param nRows attention rows compared so far
 * @param divergenceSum Σ of their divergences
 */
public record HeadDistance(long nRows, double divergenceSum) {

    public HeadDistance {
        if (nRows < 0) {
            throw new IllegalArgumentException(String.format("head distance row count must be >= 0, got %d", nRows));
        }
    }

    /** No rows yet. */
    public static HeadDistance zero() {
        return new HeadDistance(0, 0);
    }

    /**
     * Adds one sample: both heads' patterns on it.
     *
     * @throws IllegalArgumentException if the patterns have different lengths
     */
    public HeadDistance add(AttentionPattern a, AttentionPattern b) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException(String.format(
                    "heads compared on one sample have patterns of %d and %d positions", a.length(), b.length()));
        }
        double sum = 0;
        for (int q = 1; q < a.length(); q++) {
            sum += JensenShannon.divergence(a, b, q);
        }
        return new HeadDistance(nRows + Math.max(0, a.length() - 1), divergenceSum + sum);
    }

    /** Combines partial results over disjoint samples. */
    public HeadDistance merge(HeadDistance other) {
        return new HeadDistance(nRows + other.nRows, divergenceSum + other.divergenceSum);
    }

    /**
     * The mean divergence in nats.
     *
     * @throws IllegalStateException if no row with {@code q ≥ 1} was added
     */
    public double js() {
        if (nRows == 0) {
            throw new IllegalStateException(
                    "no attention rows with query_pos >= 1 were added (every sample had T < 2)");
        }
        return divergenceSum / nRows;
    }
}
