package io.headwise.metrics;

/**
 * Two-dimensional maps for the report: classical MDS of heads from their distance matrix, and
 * PCA of row vectors such as the token embeddings {@code wte [d_vocab, d_model]}. Both take the
 * top two eigenpairs from {@link TopEigenpairs} (deterministic power iteration with deflation,
 * each axis signed so that its largest-magnitude component is positive), so the same input
 * always gives the same picture.
 */
public final class Projection {

    private Projection() {}

    /**
     * PCA result.
     *
     * @param axes {@code [k][d]} unit principal axes, largest variance first
     * @param variances {@code [k]} variance along each axis (sample covariance, divisor
     *     {@code n − 1})
     * @param coordinates {@code [n][k]} each centred row projected on the axes
     */
    public record Pca(double[][] axes, double[] variances, double[][] coordinates) {}

    /**
     * Classical (Torgerson) MDS: {@code B = −½ J D⁽²⁾ J} with {@code J = I − 11ᵀ/H} and
     * {@code D⁽²⁾} the element-wise squared distances; coordinate {@code j} of point {@code i} is
     * {@code v_j[i] · sqrt(max(λ_j, 0))} for the two largest eigenvalues {@code λ_j} of {@code B}.
     * Exactly Euclidean distances of points in a plane are reproduced; otherwise this is the best
     * 2-D fit in the classical-scaling sense.
     *
     * @param distance {@code [H][H]} symmetric, finite, {@code ≥ 0}; diagonal ignored, not modified
     * @return {@code [H][2]}
     */
    public static double[][] mds(double[][] distance) {
        int h = DistanceMatrix.check(distance);
        if (h < 2) {
            return new double[h][2];
        }
        double[][] squared = new double[h][h];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < h; j++) {
                double d = i < j ? distance[i][j] : i > j ? distance[j][i] : 0;
                squared[i][j] = d * d;
            }
        }
        TopEigenpairs.Pair[] top = TopEigenpairs.of(doubleCentre(squared), 2);
        double[][] coordinates = new double[h][2];
        for (int j = 0; j < 2; j++) {
            double scale = Math.sqrt(Math.max(top[j].value(), 0));
            for (int i = 0; i < h; i++) {
                coordinates[i][j] = top[j].vector()[i] * scale;
            }
        }
        return coordinates;
    }

    /**
     * PCA to two dimensions: the top two eigenvectors of the rows' sample covariance.
     *
     * @param rows {@code [n][d]} with {@code n ≥ 2}, {@code d ≥ 2}, finite; not modified
     * @throws IllegalArgumentException naming the row at fault
     */
    public static Pca pca(float[][] rows) {
        return pca(rows, 2);
    }

    /**
     * PCA to {@code k} dimensions: the top {@code k} eigenvectors of the rows' sample covariance
     * (divisor {@code n − 1}), each row centred and projected on them.
     *
     * @param rows {@code [n][d]} with {@code n ≥ 2}, {@code d ≥ 2}, finite; not modified
     * @param k how many components, {@code 1 ≤ k ≤ d}
     * @throws IllegalArgumentException naming the row at fault
     */
    public static Pca pca(float[][] rows, int k) {
        int d = checkRows(rows);
        if (k < 1 || k > d) {
            throw new IllegalArgumentException(String.format("PCA to %d components of %d columns", k, d));
        }
        int n = rows.length;
        double[] mean = new double[d];
        for (float[] row : rows) {
            for (int a = 0; a < d; a++) {
                mean[a] += row[a];
            }
        }
        for (int a = 0; a < d; a++) {
            mean[a] /= n;
        }
        double[][] covariance = new double[d][d];
        double[] x = new double[d];
        for (float[] row : rows) {
            for (int a = 0; a < d; a++) {
                x[a] = row[a] - mean[a];
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    covariance[a][b] += x[a] * x[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                covariance[a][b] /= n - 1;
                covariance[b][a] = covariance[a][b];
            }
        }
        TopEigenpairs.Pair[] top = TopEigenpairs.of(covariance, k);
        double[][] axes = new double[k][];
        double[] variances = new double[k];
        for (int j = 0; j < k; j++) {
            axes[j] = top[j].vector();
            variances[j] = top[j].value();
        }
        double[][] coordinates = new double[n][k];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < k; j++) {
                double s = 0;
                for (int a = 0; a < d; a++) {
                    s += (rows[i][a] - mean[a]) * axes[j][a];
                }
                coordinates[i][j] = s;
            }
        }
        return new Pca(axes, variances, coordinates);
    }

    /** {@code −½ J S J}: subtract row and column means, add back the grand mean. */
    private static double[][] doubleCentre(double[][] s) {
        int h = s.length;
        double[] rowMean = new double[h];
        double grand = 0;
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < h; j++) {
                rowMean[i] += s[i][j];
            }
            grand += rowMean[i];
            rowMean[i] /= h;
        }
        grand /= (double) h * h;
        double[][] b = new double[h][h];
        for (int i = 0; i < h; i++) {
            for (int j = 0; j < h; j++) {
                b[i][j] = -0.5 * (s[i][j] - rowMean[i] - rowMean[j] + grand); // S symmetric
            }
        }
        return b;
    }

    private static int checkRows(float[][] rows) {
        if (rows == null || rows.length < 2) {
            throw new IllegalArgumentException(
                    String.format("PCA needs at least 2 rows, got %s", rows == null ? "null" : rows.length));
        }
        if (rows[0] == null || rows[0].length < 2) {
            throw new IllegalArgumentException(String.format(
                    "PCA needs rows of at least 2 columns, row 0 has %s", rows[0] == null ? "null" : rows[0].length));
        }
        int d = rows[0].length;
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != d) {
                throw new IllegalArgumentException(String.format(
                        "PCA row %d has length %s, expected %d like row 0",
                        i, rows[i] == null ? "null" : rows[i].length, d));
            }
            for (int a = 0; a < d; a++) {
                if (!Float.isFinite(rows[i][a])) {
                    throw new IllegalArgumentException(String.format("PCA row %d column %d is %s", i, a, rows[i][a]));
                }
            }
        }
        return d;
    }
}
