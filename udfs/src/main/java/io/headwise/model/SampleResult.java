package io.headwise.model;

/**
 * Everything Headwise extracts from one sample, copied to the host (SPEC §3, §4).
 *
 * @param tokenIds {@code [T]}
 * @param patterns {@code [L][H][query_pos][key_pos ≤ query_pos]}: row {@code q} has {@code q+1}
 *     weights
 * @param loss {@code [T-1]}: {@code −ln p(x_{t+1} | x_{≤t})}
 * @param meanLoss {@code L}, the mean of {@code loss} (NaN when {@code T < 2})
 * @param gradNorm {@code [T]}: ‖∂L/∂e_t‖₂, or null without gradients
 * @param gradXInput {@code [T]}: (∂L/∂e_t)·e_t, or null without gradients
 * @param headGrad {@code [L][H]}: ∂L/∂m_{l,h}, or null without gradients
 * @param residNorm {@code [L][T]}: ‖residual stream after block l at t‖₂
 * @param mlpTopIds {@code [L][T][k]}: neuron indices of the k largest MLP activations
 * @param mlpTopValues {@code [L][T][k]}: those activations, largest first
 * @param outputNorm {@code [L][H]}: mean over {@code q = 1..T-1} of {@code ‖z_{l,h}[q]·W_O^h‖₂}, how
 *     much each head writes into the residual stream (SPEC §6); zeros when {@code T < 2}
 * @param nextTokenId the most likely token after the last position
 * @param nextTokenProb its probability
 * @param explanation the sample's explanations, or null when they were not asked for
 */
public record SampleResult(
        int[] tokenIds,
        float[][][][] patterns,
        float[] loss,
        double meanLoss,
        float[] gradNorm,
        float[] gradXInput,
        float[][] headGrad,
        float[][] residNorm,
        int[][][] mlpTopIds,
        float[][][] mlpTopValues,
        float[][] outputNorm,
        int nextTokenId,
        float nextTokenProb,
        Explanation explanation) {

    public int length() {
        return tokenIds.length;
    }

    public boolean hasGradients() {
        return gradNorm != null;
    }
}
