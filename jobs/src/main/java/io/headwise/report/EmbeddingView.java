package io.headwise.report;

import io.headwise.metrics.Projection;

/**
 * The token embeddings {@code wte [V, C]} projected on their first three principal components
 * (two when {@code C = 2}): the report's 2-D scatter uses the first two, its 3-D view all three.
 *
 * @param labels {@code [V]} the decoded piece of each token id
 * @param coordinates {@code [V][k]} each centred row on the {@code k} axes
 * @param explained {@code [k]} the share of the total variance along each axis
 */
public record EmbeddingView(String[] labels, double[][] coordinates, double[] explained) {

    /** How many principal components the view keeps (fewer when {@code C} is smaller). */
    public static final int COMPONENTS = 3;

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
        int k = Math.min(COMPONENTS, wte[0].length);
        Projection.Pca pca = Projection.pca(wte, k);
        double total = totalVariance(wte);
        double[] explained = new double[k];
        for (int j = 0; j < k; j++) {
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
