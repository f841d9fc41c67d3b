package io.headwise.explain;

/**
 * Gradient-weighted rollout (Chefer et al. 2021) for next-token prediction, SPEC §6. For query
 * {@code q}, with {@code y_q} the logit of the actual next token and {@code G_{l,h} = ∂y_q/∂A_{l,h}
 * ⊙ A_{l,h}}: {@code Ā_l = mean_h max(G_{l,h}, 0)}; {@code R = I}, then for {@code l = 0..L−1}:
 * {@code R ← R + Ā_l·R}; {@code grad_rollout[q][k] = R[q][k] / Σ_{k'≤q} R[q][k']}.
 *
 * <p>Only row {@code q} of {@code R} is kept: {@code R = (I + Ā_{L−1})···(I + Ā_0)}, so row
 * {@code q} is {@code e_qᵀ} multiplied by those factors from the left, {@code L} vector-matrix
 * products instead of {@code L} matrix products. {@link io.headwise.model.Analyzer} does the same
 * on the device, for every query at once; this is the plain form.
 */
public final class GradientRollout {

    private GradientRollout() {}

    /**
     * @param meanPositive {@code [L][T][T]}: {@code Ā_l} for query {@code q}
     * @param q the query
     * @return {@code [q+1]}: {@code grad_rollout[q][0..q]}
     */
    public static float[] row(double[][][] meanPositive, int q) {
        int t = meanPositive.length == 0 ? q + 1 : meanPositive[0].length;
        double[] v = new double[t];
        v[q] = 1;
        for (int l = meanPositive.length - 1; l >= 0; l--) {
            double[] next = v.clone();
            for (int j = 0; j < t; j++) {
                if (v[j] == 0) {
                    continue;
                }
                for (int k = 0; k < t; k++) {
                    next[k] += v[j] * meanPositive[l][j][k];
                }
            }
            v = next;
        }
        return normalize(v, q);
    }

    /**
     * {@code r[k] / Σ_{k'≤q} r[k']} for {@code k ≤ q}.
     *
     * @param r row {@code q} of {@code R} (at least {@code q+1} values; those past {@code q} are
     *     zero for a causal model and ignored)
     */
    public static float[] normalize(double[] r, int q) {
        double sum = 0;
        for (int k = 0; k <= q; k++) {
            sum += r[k];
        }
        float[] out = new float[q + 1];
        for (int k = 0; k <= q; k++) {
            out[k] = (float) (r[k] / sum);
        }
        return out;
    }
}
