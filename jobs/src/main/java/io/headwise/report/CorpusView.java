package io.headwise.report;

import java.util.List;

/**
 * The corpus-level part of a report, from the tables of a run directory; each part is null when
 * its table was not computed.
 *
 * @param tablesDir the run directory the tables came from
 * @param summary {@code head_summary} rows (one per layer × head), or null
 * @param probes {@code head_probes} rows, or null
 * @param headMap the heads placed in 2-D by their Jensen–Shannon distances, or null
 * @param layerSummary {@code layer_summary} rows (one per layer, in order), or null
 */
public record CorpusView(
        String tablesDir,
        List<HeadSummary> summary,
        List<Probe> probes,
        HeadMap headMap,
        List<LayerSummary> layerSummary) {

    /** A corpus part without {@code layer_summary}. */
    public CorpusView(String tablesDir, List<HeadSummary> summary, List<Probe> probes, HeadMap headMap) {
        this(tablesDir, summary, probes, headMap, null);
    }

    /** The statistics of {@code head_summary}, in the order the report shows them. */
    public static final List<String> SUMMARY_STATISTICS = List.of(
            "entropy",
            "distance",
            "prev_token",
            "first_token",
            "self",
            "max_weight",
            "importance",
            "induction",
            "duplicate",
            "output_norm");

    /**
     * One {@code head_summary} row.
     *
     * @param statistics value of each of {@link #SUMMARY_STATISTICS}, null when not computed
     * @param cluster the head's cluster, or null
     * @param topTokens the keys' tokens that receive the most attention from the head
     */
    public record HeadSummary(
            int layer, int head, long nSamples, Double[] statistics, Integer cluster, List<TopToken> topTokens) {}

    /** One entry of {@code top_tokens}: the token and its share of the head's attention mass. */
    public record TopToken(String token, double weight) {}

    /** One {@code head_probes} row. */
    public record Probe(
            int layer,
            int head,
            double induction,
            double duplicate,
            double prevToken,
            int nSequences,
            int halfLength) {}

    /**
     * Heads placed in a plane.
     *
     * @param heads {@code [N][2]} (layer, head) of each point
     * @param coordinates {@code [N][2]} classical MDS of the distance matrix
     * @param clusters {@code [N]} cluster of each head
     */
    public record HeadMap(int[][] heads, double[][] coordinates, int[] clusters) {}

    /** One {@code layer_summary} row: how well block {@code layer}'s logit lens predicts. */
    public record LayerSummary(int layer, long nPredictions, double targetProb, double top1, double targetRank) {}

    public CorpusView {
        layerSummary = layerSummary == null ? null : List.copyOf(layerSummary);
        summary = summary == null ? null : List.copyOf(summary);
        probes = probes == null ? null : List.copyOf(probes);
    }
}
