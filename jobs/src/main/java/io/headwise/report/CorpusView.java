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
 */
public record CorpusView(String tablesDir, List<HeadSummary> summary, List<Probe> probes, HeadMap headMap) {

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
            "duplicate");

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

    public CorpusView {
        summary = summary == null ? null : List.copyOf(summary);
        probes = probes == null ? null : List.copyOf(probes);
    }
}
