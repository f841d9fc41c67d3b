package io.headwise.explain;

/**
 * Attention rollout (Abnar &amp; Zuidema 2020), SPEC §6: {@code Ā_l = mean_h A_{l,h}}, {@code Â_l =
 * ½·Ā_l + ½·I}, {@code R = Â_{L−1} ··· Â_1 · Â_0}. Every {@code Â_l} is lower triangular and row
 * stochastic, so {@code R} is too: row {@code q} holds weights over keys {@code 0..q} that sum to 1.
 */
public final class Rollout {

    private Rollout() {}

    /**
     * @param patterns {@code [L][H][T][q+1]}, as {@link io.headwise.model.SampleResult#patterns}
     * @return {@code [T][q+1]}: {@code rollout[q][k] = R[q][k]}
     */
    public static float[][] of(float[][][][] patterns) {
        if (patterns.length == 0 || patterns[0].length == 0) {
            throw new IllegalArgumentException("rollout needs at least one layer and one head");
        }
        double[][] r = residualMean(patterns[0]);
        for (int l = 1; l < patterns.length; l++) {
            r = lowerProduct(residualMean(patterns[l]), r);
        }
        float[][] out = new float[r.length][];
        for (int q = 0; q < r.length; q++) {
            out[q] = new float[q + 1];
            for (int k = 0; k <= q; k++) {
                out[q][k] = (float) r[q][k];
            }
        }
        return out;
    }

    /** {@code Â = ½·mean_h A_h + ½·I}, lower triangle only ({@code [T][q+1]}). */
    static double[][] residualMean(float[][][] heads) {
        int t = heads[0].length;
        double[][] a = new double[t][];
        for (int q = 0; q < t; q++) {
            a[q] = new double[q + 1];
            for (float[][] head : heads) {
                if (head.length != t || head[q].length != q + 1) {
                    throw new IllegalArgumentException(
                            "pattern rows must be causal: row " + q + " of " + t + " needs " + (q + 1) + " weights");
                }
                for (int k = 0; k <= q; k++) {
                    a[q][k] += head[q][k];
                }
            }
            for (int k = 0; k <= q; k++) {
                a[q][k] = 0.5 * a[q][k] / heads.length;
            }
            a[q][q] += 0.5;
        }
        return a;
    }

    /** {@code a·b} for lower-triangular {@code a} and {@code b} ({@code [T][q+1]} each). */
    static double[][] lowerProduct(double[][] a, double[][] b) {
        int t = a.length;
        double[][] c = new double[t][];
        for (int q = 0; q < t; q++) {
            c[q] = new double[q + 1];
            for (int j = 0; j <= q; j++) {
                double w = a[q][j];
                if (w == 0) {
                    continue;
                }
                double[] row = b[j];
                for (int k = 0; k <= j; k++) {
                    c[q][k] += w * row[k];
                }
            }
        }
        return c;
    }
}
