package io.headwise.explain;

/**
 * Value-weighted attention (Kobayashi et al. 2020), SPEC §6: {@code A[q][k]·‖f(x_k)‖₂}, with
 * {@code f(x_k) = (x̃_k·W_V^h + b_V^h)·W_O^h} the vector head {@code h} would write into the
 * residual stream if it attended to key {@code k} alone ({@code c_proj}'s bias left out). A head
 * that attends to keys whose values it writes out small gets small weights, whatever its pattern.
 */
public final class ValueWeighting {

    private ValueWeighting() {}

    /**
     * @param pattern {@code [T][q+1]} one head's attention rows
     * @param valueNorms {@code [≥ T]}: {@code ‖f(x_k)‖₂} for each key position {@code k}
     * @return {@code [T][q+1]}: {@code pattern[q][k]·valueNorms[k]}
     */
    public static float[][] of(float[][] pattern, float[] valueNorms) {
        if (valueNorms.length < pattern.length) {
            throw new IllegalArgumentException(
                    pattern.length + " pattern rows but " + valueNorms.length + " value norms");
        }
        float[][] out = new float[pattern.length][];
        for (int q = 0; q < pattern.length; q++) {
            out[q] = new float[pattern[q].length];
            for (int k = 0; k < pattern[q].length; k++) {
                out[q][k] = pattern[q][k] * valueNorms[k];
            }
        }
        return out;
    }
}
