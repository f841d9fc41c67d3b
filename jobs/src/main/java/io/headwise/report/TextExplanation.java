package io.headwise.report;

import io.headwise.explain.Rollout;
import io.headwise.explain.ValueWeighting;
import io.headwise.model.Explanation;

/**
 * One text's explanations beyond its raw patterns (SPEC §6), as the report shows them. {@code T}
 * tokens, {@code L} layers, {@code H} heads.
 *
 * @param rollout {@code [T][q+1]} attention rollout
 * @param gradRollout {@code [T-1][q+1]} gradient-weighted rollout of each position's next-token
 *     logit (none for the last position)
 * @param valueWeighted {@code [L][H][T][q+1]} value-weighted attention {@code A[q][k]·‖f(x_k)‖₂}
 * @param lensTop {@code [L][T]} the decoded top token of block {@code l}'s logit lens at {@code t}
 * @param lensTopProb {@code [L][T]} its probability
 * @param lensTargetProb {@code [L][T-1]} the probability of the actual next token
 * @param lensTargetRank {@code [L][T-1]} its rank (1 = top)
 * @param gradXInputByPrediction {@code [T-1][q+1]} gradient × input of each prediction's own loss
 *     ({@code Analyzer#predictionGradXInput}), or null when not computed
 */
public record TextExplanation(
        float[][] rollout,
        float[][] gradRollout,
        float[][][][] valueWeighted,
        String[][] lensTop,
        float[][] lensTopProb,
        float[][] lensTargetProb,
        int[][] lensTargetRank,
        float[][] gradXInputByPrediction) {

    /**
     * The view of a sample's {@code patterns} and {@link Explanation}.
     *
     * @param patterns {@code [L][H][T][q+1]}
     * @param explanation the model's explanation of the same sample
     * @param lensTop {@code [L][T]} the decoded pieces of {@code explanation.lensTopId()}
     */
    public static TextExplanation of(float[][][][] patterns, Explanation explanation, String[][] lensTop) {
        return of(patterns, explanation, lensTop, null);
    }

    /**
     * The view with each prediction's gradient × input too.
     *
     * @param gradXInputByPrediction {@code [T-1][q+1]}, or null
     */
    public static TextExplanation of(
            float[][][][] patterns, Explanation explanation, String[][] lensTop, float[][] gradXInputByPrediction) {
        float[][][][] weighted = new float[patterns.length][][][];
        for (int l = 0; l < patterns.length; l++) {
            weighted[l] = new float[patterns[l].length][][];
            for (int h = 0; h < patterns[l].length; h++) {
                weighted[l][h] = ValueWeighting.of(patterns[l][h], explanation.valueNorms()[l][h]);
            }
        }
        return new TextExplanation(
                Rollout.of(patterns),
                explanation.gradRollout(),
                weighted,
                lensTop,
                explanation.lensTopProb(),
                explanation.lensTargetProb(),
                explanation.lensTargetRank(),
                gradXInputByPrediction);
    }
}
