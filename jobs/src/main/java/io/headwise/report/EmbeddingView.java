package io.headwise.report;

import io.headwise.metrics.Projection;

/**
 * The token embeddings {@code wte [V, C]} projected on their first two principal components.
 *
 * @param labels {@code [V]} the decoded piece of each token id
 * @param coordinates {@code [V][2]} each centred row on the two axes
 * @param explained {@code [2]} the share of the total variance along each axis
 */
public record EmbeddingView(String[] labels, double[][] coordinates, double[] explained) {

    /**
     * PCA of {@code wte}.
     *
     * @param wte {@code [V][C]}, {@code V ≥ 2}, {@code C ≥ 2}
     * @param labels {@code [V]}
     */
    public static EmbeddingView of(float[][] wte, String[] labels) {
        if (labels.length != wte.length) {
            throw new IllegalArgumentException(
                    String.format("%d labels for %d embedding rows", labels.length, wte.length));
        }
        Projection.Pca pca = Projection.pca(wte);
        double total = totalVariance(wte);
        double[] explained = new double[2];
        for (int j = 0; j < 2; j++) {
            explained[j] = total > 0 ? pca.variances()[j] / total : 0;
        }
        return new EmbeddingView(labels.clone(), pca.coordinates(), explained);
    }

    /** The trace of the sample covariance: Σ over columns of the column's variance (divisor n − 1). */
    static double totalVariance(float[][] rows) {
        int n = rows.length;
        int d = rows[0].length;
        double total = 0;
        for (int a = 0; a < d; a++) {
            double mean = 0;
            for (float[] row : rows) {
                mean += row[a];
            }
            mean /= n;
            double s = 0;
            for (float[] row : rows) {
                s += (row[a] - mean) * (row[a] - mean);
            }
            total += s / (n - 1);
        }
        return total;
    }
}
