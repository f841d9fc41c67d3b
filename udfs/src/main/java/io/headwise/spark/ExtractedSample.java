package io.headwise.spark;

import io.headwise.explain.Rollout;
import io.headwise.explain.ValueWeighting;
import io.headwise.metrics.AttentionPattern;
import io.headwise.metrics.HeadMetrics;
import io.headwise.metrics.HeadStats;
import io.headwise.metrics.PairwiseDistances;
import io.headwise.model.Explanation;
import io.headwise.model.SampleResult;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Everything {@code extract} writes of one analysed sample: the model's {@link SampleResult} and
 * what is derived from its patterns (head statistics, the heads' pairwise divergence sums, and for
 * an explained sample its rollout and value-weighted patterns), built once on a host thread beside
 * the model ({@link ExtractTask}) and read by every table's declaration ({@link ExtractTables}).
 *
 * @param sampleId the {@code tokens} row's {@code sample_id}
 * @param result the model's numbers
 * @param pieces {@code [T]} the {@code tokens} column, as Spark strings
 * @param withPatterns whether {@code --patterns} selects the sample ({@code attention} rows)
 * @param headStats {@code [L][H]}, null when {@code T < 2}
 * @param distanceSums the heads' Jensen–Shannon divergence sums over the sample's queries, one per
 *     pair {@code a < b} ({@link PairwiseDistances#sampleSums}); null when {@code T < 2} or when
 *     {@code --distances} does not select the sample
 * @param rollout {@code [T][q+1]} ({@link Rollout}), null unless the sample is explained
 * @param valueWeighted {@code [L][H][T][q+1]} ({@link ValueWeighting}), null unless the sample is
 *     explained and has {@code attention} rows
 * @param vocabulary each token id's piece, for the logit lens' top tokens (ids past its end have
 *     none)
 */
public record ExtractedSample(
        long sampleId,
        SampleResult result,
        UTF8String[] pieces,
        boolean withPatterns,
        HeadStats[][] headStats,
        double[] distanceSums,
        float[][] rollout,
        float[][][][] valueWeighted,
        UTF8String[] vocabulary) {

    /**
     * {@link #of(long, SampleResult, UTF8String[], boolean, boolean, UTF8String[])} without a
     * vocabulary.
     */
    public static ExtractedSample of(
            long sampleId, SampleResult result, UTF8String[] pieces, boolean withPatterns, boolean withDistances) {
        return of(sampleId, result, pieces, withPatterns, withDistances, new UTF8String[0]);
    }

    /**
     * Derives the head statistics, the distance sums (when {@code withDistances}) and, when the
     * sample is explained, its rollouts from {@code result}.
     */
    public static ExtractedSample of(
            long sampleId,
            SampleResult result,
            UTF8String[] pieces,
            boolean withPatterns,
            boolean withDistances,
            UTF8String[] vocabulary) {
        double[] distanceSums =
                withDistances && result.length() >= 2 ? PairwiseDistances.sampleSums(heads(result.patterns())) : null;
        return of(sampleId, result, pieces, withPatterns, distanceSums, vocabulary);
    }

    /**
     * Derives the head statistics and, when the sample is explained, its rollouts from {@code
     * result}, with distance sums computed already.
     *
     * @param distanceSums {@link PairwiseDistances#sampleSums} of {@link #heads}, or null
     */
    public static ExtractedSample of(
            long sampleId,
            SampleResult result,
            UTF8String[] pieces,
            boolean withPatterns,
            double[] distanceSums,
            UTF8String[] vocabulary) {
        float[][][][] patterns = result.patterns();
        Explanation explanation = result.explanation();
        float[][] rollout = explanation == null ? null : Rollout.of(patterns);
        float[][][][] valueWeighted = explanation == null || !withPatterns ? null : valueWeighted(result);
        if (result.length() < 2) {
            return new ExtractedSample(
                    sampleId, result, pieces, withPatterns, null, null, rollout, valueWeighted, vocabulary);
        }
        AttentionPattern[] heads = heads(patterns);
        int nHead = patterns[0].length;
        HeadStats[][] stats = new HeadStats[patterns.length][nHead];
        for (int l = 0; l < patterns.length; l++) {
            for (int h = 0; h < nHead; h++) {
                stats[l][h] = HeadMetrics.headStats(heads[l * nHead + h]).orElseThrow();
            }
        }
        return new ExtractedSample(
                sampleId, result, pieces, withPatterns, stats, distanceSums, rollout, valueWeighted, vocabulary);
    }

    /** {@code [L·H]} every head's pattern, indexed {@code layer * n_head + head}, read in place. */
    public static AttentionPattern[] heads(float[][][][] patterns) {
        int nHead = patterns.length == 0 ? 0 : patterns[0].length;
        AttentionPattern[] heads = new AttentionPattern[patterns.length * nHead];
        for (int l = 0; l < patterns.length; l++) {
            for (int h = 0; h < nHead; h++) {
                heads[l * nHead + h] = AttentionPattern.ofRows(patterns[l][h]);
            }
        }
        return heads;
    }

    private static float[][][][] valueWeighted(SampleResult result) {
        float[][][][] patterns = result.patterns();
        float[][][] norms = result.explanation().valueNorms();
        float[][][][] weighted = new float[patterns.length][][][];
        for (int l = 0; l < patterns.length; l++) {
            weighted[l] = new float[patterns[l].length][][];
            for (int h = 0; h < patterns[l].length; h++) {
                weighted[l][h] = ValueWeighting.of(patterns[l][h], norms[l][h]);
            }
        }
        return weighted;
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

    /** Whether the sample has explanations ({@code --explain}). */
    public boolean explained() {
        return result.explanation() != null;
    }

    /** The piece of token {@code id}, or null when the vocabulary has none. */
    public UTF8String piece(int id) {
        return id >= 0 && id < vocabulary.length ? vocabulary[id] : null;
    }
}
