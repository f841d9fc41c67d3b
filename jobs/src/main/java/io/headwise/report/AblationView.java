package io.headwise.report;

import io.headwise.metrics.RankCorrelation;
import io.headwise.model.InterventionPass;
import java.util.List;

/**
 * The interventions part of a report (SPEC §5): the {@code head_ablation} rows of the run
 * directory, and per text the "remove one head" grid.
 *
 * @param corpus {@code head_ablation} rows in the table's order, or null when it was not computed
 * @param texts one removal per text of the report, in the same order (a text of one token has no
 *     prediction and gets a removal without heads)
 */
public record AblationView(List<HeadAblation> corpus, List<TextRemoval> texts) {

    public AblationView {
        corpus = corpus == null ? null : List.copyOf(corpus);
        texts = List.copyOf(texts);
    }

    /**
     * One {@code head_ablation} row, the columns the report shows.
     *
     * @param layer null for joint interventions
     * @param head null for joint interventions; {@code H1} of a merge
     * @param head2 {@code H2} of a merge, else null
     * @param gradProxy null unless {@code kind} is {@code zero}
     */
    public record HeadAblation(
            String intervention,
            String kind,
            Integer layer,
            Integer head,
            Integer head2,
            long nSamples,
            double baseLoss,
            double deltaLoss,
            double deltaMean,
            Double ciLow,
            Double ciHigh,
            double fracHurt,
            Double gradProxy) {}

    /**
     * Spearman's ρ between {@code grad_proxy} and {@code delta_mean} over the single-head zero
     * ablations, as {@code ablate} prints it; NaN without corpus rows, or with fewer than two.
     */
    public double spearman() {
        if (corpus == null) {
            return Double.NaN;
        }
        List<HeadAblation> zeros = corpus.stream()
                .filter(r -> r.kind().equals("zero") && r.gradProxy() != null)
                .toList();
        return RankCorrelation.spearman(
                zeros.stream().mapToDouble(HeadAblation::gradProxy).toArray(),
                zeros.stream().mapToDouble(HeadAblation::deltaMean).toArray());
    }

    /**
     * One text with every single head zero-ablated in turn ({@code L·H + 1} forward passes).
     *
     * @param baseLosses {@code [T − 1]} next-token losses of the model itself
     * @param headLosses {@code [L][H][T − 1]} next-token losses with head {@code (l, h)} zeroed
     */
    public record TextRemoval(float[] baseLosses, float[][][] headLosses) {

        /**
         * From {@link InterventionPass#tokenLosses}'s answer for one text under the interventions
         * {@code none, zero 0.0, zero 0.1, …, zero (L−1).(H−1)} in that order.
         *
         * @param losses {@code [L·H + 1][1][T − 1]}
         */
        public static TextRemoval of(float[][][] losses, int nLayer, int nHead) {
            if (losses.length != nLayer * nHead + 1) {
                throw new IllegalArgumentException(
                        losses.length + " intervention rows for " + nLayer + " × " + nHead + " heads");
            }
            float[][][] heads = new float[nLayer][nHead][];
            for (int l = 0; l < nLayer; l++) {
                for (int h = 0; h < nHead; h++) {
                    heads[l][h] = losses[1 + l * nHead + h][0];
                }
            }
            return new TextRemoval(losses[0][0], heads);
        }

        /** The text's mean loss under the model itself; NaN for one token. */
        public double baseLoss() {
            return InterventionPass.meanLoss(baseLosses);
        }

        /** {@code Δ} of the text (SPEC §5) when head {@code (l, h)} is zeroed. */
        public double delta(int l, int h) {
            return InterventionPass.meanLoss(headLosses[l][h]) - baseLoss();
        }

        /** {@code [T − 1]} the change of each next-token loss when head {@code (l, h)} is zeroed. */
        public double[] positionDelta(int l, int h) {
            double[] delta = new double[baseLosses.length];
            for (int t = 0; t < delta.length; t++) {
                delta[t] = (double) headLosses[l][h][t] - baseLosses[t];
            }
            return delta;
        }
    }
}
