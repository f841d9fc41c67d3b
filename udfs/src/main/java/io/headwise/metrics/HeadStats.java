package io.headwise.metrics;

/**
 * SPEC §4 per-sample statistics of one head, each a mean over the queries {@code q = 1..T-1}
 * (the {@code head_stats} columns without the keys and {@code head_grad}).
 *
 * @param nQueries {@code n_queries = T - 1}, the number of queries averaged over
 * @param entropy mean of {@code −Σ_k A[q][k]·ln A[q][k]} in nats, with {@code 0·ln 0 = 0}
 * @param distance mean of {@code Σ_k A[q][k]·(q − k)}
 * @param prevToken mean of {@code A[q][q−1]}
 * @param firstToken mean of {@code A[q][0]} (attention-sink mass)
 * @param self mean of {@code A[q][q]}
 * @param maxWeight mean of {@code max_k A[q][k]}
 */
public record HeadStats(
        int nQueries,
        double entropy,
        double distance,
        double prevToken,
        double firstToken,
        double self,
        double maxWeight) {

    public HeadStats {
        if (nQueries < 1) {
            throw new IllegalArgumentException(String.format("head stats need n_queries >= 1, got %d", nQueries));
        }
    }
}
