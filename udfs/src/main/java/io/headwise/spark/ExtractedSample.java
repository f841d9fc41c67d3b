package io.headwise.spark;

import io.headwise.metrics.AttentionPattern;
import io.headwise.metrics.HeadMetrics;
import io.headwise.metrics.HeadStats;
import io.headwise.metrics.PairwiseDistances;
import io.headwise.model.SampleResult;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Everything {@code extract} writes of one analysed sample: the model's {@link SampleResult} and
 * what is derived from its patterns (head statistics, the heads' pairwise divergence sums), built
 * once on a host thread beside the model ({@link ExtractTask}) and read by every table's
 * declaration ({@link ExtractTables}).
 *
 * @param sampleId the {@code tokens} row's {@code sample_id}
 * @param result the model's numbers
 * @param pieces {@code [T]} the {@code tokens} column, as Spark strings
 * @param withPatterns whether {@code --patterns} selects the sample ({@code attention} rows)
 * @param headStats {@code [L][H]}, null when {@code T < 2}
 * @param distanceSums the heads' Jensen–Shannon divergence sums over the sample's queries, one per
 *     pair {@code a < b} ({@link PairwiseDistances#sampleSums}); null when {@code T < 2} or when
 *     {@code --distances} does not select the sample
 */
public record ExtractedSample(
        long sampleId,
        SampleResult result,
        UTF8String[] pieces,
        boolean withPatterns,
        HeadStats[][] headStats,
        double[] distanceSums) {

    /**
     * Derives the head statistics and, when {@code withDistances}, the distance sums from {@code
     * result}'s patterns.
     */
    public static ExtractedSample of(
            long sampleId, SampleResult result, UTF8String[] pieces, boolean withPatterns, boolean withDistances) {
        float[][][][] patterns = result.patterns();
        if (result.length() < 2) {
            return new ExtractedSample(sampleId, result, pieces, withPatterns, null, null);
        }
        int nHead = patterns[0].length;
        HeadStats[][] stats = new HeadStats[patterns.length][nHead];
        AttentionPattern[] heads = new AttentionPattern[patterns.length * nHead];
        for (int l = 0; l < patterns.length; l++) {
            for (int h = 0; h < nHead; h++) {
                heads[l * nHead + h] = AttentionPattern.ofRows(patterns[l][h]);
                stats[l][h] = HeadMetrics.headStats(heads[l * nHead + h]).orElseThrow();
            }
        }
        double[] distanceSums = withDistances ? PairwiseDistances.sampleSums(heads) : null;
        return new ExtractedSample(sampleId, result, pieces, withPatterns, stats, distanceSums);
    }

    /** {@code T}. */
    public int length() {
        return result.length();
    }

    public int nLayer() {
        return result.patterns().length;
    }

    public int nHead() {
        return nLayer() == 0 ? 0 : result.patterns()[0].length;
    }
}
