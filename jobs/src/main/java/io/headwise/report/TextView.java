package io.headwise.report;

import io.headwise.metrics.ReceivedMass;
import io.headwise.model.SampleResult;

/**
 * One text through the model, as the report shows it. {@code T} is the number of tokens, {@code
 * L} layers, {@code H} heads per layer.
 *
 * @param text the text as given
 * @param tokens {@code [T]} the decoded piece of each token
 * @param patterns {@code [L][H][query_pos][key_pos ≤ query_pos]} attention probabilities
 * @param gradNorm {@code [T]} ‖∂L/∂e_t‖₂ (SPEC §4)
 * @param gradXInput {@code [T]} (∂L/∂e_t)·e_t
 * @param residNorm {@code [L][T]} ‖residual stream after block l at t‖₂
 * @param topAttended {@code [L][H][≤ k]} the key positions receiving the most attention mass over
 *     queries 1..T-1, best first (ties: lower position first; {@link ReceivedMass#topKeys})
 * @param meanLoss the mean next-token cross-entropy (NaN for one token)
 * @param nextToken the most likely next token
 * @param nextTokenProb its probability
 * @param explanation rollout, gradient-weighted rollout, value-weighted patterns and the logit
 *     lens, or null when they were not computed
 */
public record TextView(
        String text,
        String[] tokens,
        float[][][][] patterns,
        float[] gradNorm,
        float[] gradXInput,
        float[][] residNorm,
        int[][][] topAttended,
        double meanLoss,
        String nextToken,
        float nextTokenProb,
        TextExplanation explanation) {

    /** A view without explanations. */
    public TextView(
            String text,
            String[] tokens,
            float[][][][] patterns,
            float[] gradNorm,
            float[] gradXInput,
            float[][] residNorm,
            int[][][] topAttended,
            double meanLoss,
            String nextToken,
            float nextTokenProb) {
        this(
                text,
                tokens,
                patterns,
                gradNorm,
                gradXInput,
                residNorm,
                topAttended,
                meanLoss,
                nextToken,
                nextTokenProb,
                null);
    }

    /** How many attended keys the report lists per head. */
    public static final int TOP_ATTENDED_DEFAULT = 3;

    /** The view of {@code result}; {@code tokens} and {@code nextToken} are its decoded pieces. */
    public static TextView of(String text, String[] tokens, SampleResult result, String nextToken) {
        if (tokens.length != result.length()) {
            throw new IllegalArgumentException(
                    String.format("%d token pieces for a result of %d tokens", tokens.length, result.length()));
        }
        float[][][][] patterns = result.patterns();
        int[][][] top = new int[patterns.length][][];
        for (int l = 0; l < patterns.length; l++) {
            top[l] = new int[patterns[l].length][];
            for (int h = 0; h < patterns[l].length; h++) {
                top[l][h] = ReceivedMass.topKeys(patterns[l][h], TOP_ATTENDED_DEFAULT);
            }
        }
        return new TextView(
                text,
                tokens.clone(),
                patterns,
                result.gradNorm(),
                result.gradXInput(),
                result.residNorm(),
                top,
                result.meanLoss(),
                nextToken,
                result.nextTokenProb());
    }

    /** This view with {@code explanation}. */
    public TextView withExplanation(TextExplanation explanation) {
        return new TextView(
                text,
                tokens,
                patterns,
                gradNorm,
                gradXInput,
                residNorm,
                topAttended,
                meanLoss,
                nextToken,
                nextTokenProb,
                explanation);
    }

    public int length() {
        return tokens.length;
    }
}
