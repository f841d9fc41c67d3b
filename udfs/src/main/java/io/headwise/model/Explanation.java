package io.headwise.model;

/**
 * What explains one sample's predictions beyond its raw patterns (SPEC §6), as far as it needs the
 * model's tensors; rollout and value-weighted patterns follow from these and the patterns ({@link
 * io.headwise.explain}).
 *
 * @param valueNorms {@code [L][H][T]}: {@code ‖f(x_k)‖₂}, {@code f(x_k) = (x̃_k·W_V^h + b_V^h)·W_O^h},
 *     the factor of key {@code k} in {@code value_weighted}
 * @param gradRollout {@code [T-1][q+1]}: {@code grad_rollout[q][k]}, rows normalised to sum to 1;
 *     empty when {@code T < 2}
 * @param lensTopId {@code [L][T]}: {@code argmax p} of block {@code l}'s logit lens at {@code t}
 * @param lensTopProb {@code [L][T]}: that probability
 * @param lensTargetProb {@code [L][T-1]}: {@code p[x_{t+1}]}
 * @param lensTargetRank {@code [L][T-1]}: {@code 1 + #{v : p[v] > p[x_{t+1}]}}
 */
public record Explanation(
        float[][][] valueNorms,
        float[][] gradRollout,
        int[][] lensTopId,
        float[][] lensTopProb,
        float[][] lensTargetProb,
        int[][] lensTargetRank) {}
