package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.metrics.HeadClustering;
import io.headwise.metrics.PairwiseDistances;
import io.headwise.spark.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Jensen–Shannon distances between heads' attention rows over every analysed sample, and the
 * heads' clusters (SPEC §4, Clark et al. 2019). {@code extract} sums each pair's divergences while
 * it has the patterns in hand; only the {@code H·(H−1)/2} per-pair sums reach the driver, which
 * writes {@code head_distances} ({@link #table}); {@code summarize} reads that table back ({@link
 * #fromTable}) and clusters the small {@code H×H} matrix.
 *
 * <p>Distances are rounded to {@value #DIGITS} decimals before clustering: Spark may sum the
 * per-partition partial sums in any order, and the last bits of a sum must not decide a merge.
 */
final class HeadDistances {

    static final int DIGITS = 12;

    /** The distances of every pair, {@code [H][H]} symmetric with a zero diagonal, and the clusters. */
    record Result(int nLayer, int nHead, double[][] js, int[] clusters) {

        /** {@code (layer, head, cluster)}. */
        Dataset<Row> clusterTable(SparkSession spark) {
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < clusters.length; i++) {
                rows.add(RowFactory.create(i / nHead, i % nHead, clusters[i]));
            }
            return spark.createDataFrame(
                    rows,
                    DataTypes.createStructType(List.of(
                            DataTypes.createStructField("layer", DataTypes.IntegerType, false),
                            DataTypes.createStructField("head", DataTypes.IntegerType, false),
                            DataTypes.createStructField("cluster", DataTypes.IntegerType, false))));
        }

        int clusterCount() {
            return HeadClustering.defaultClusterCount(js.length);
        }
    }

    private HeadDistances() {}

    /**
     * {@code head_distances} (every ordered pair, diagonal included) from the summed partials of
     * {@code extract}: rows {@code (index_a, index_b, n_rows, divergence_sum)} for pairs {@code a <
     * b}, heads indexed {@code layer · n_head + head}. No rows when some pair shares no attention row
     * (no analysed sample has two positions).
     */
    static Dataset<Row> table(SparkSession spark, List<Row> pairSums, int nLayer, int nHead) {
        int h = nLayer * nHead;
        long[][] nRows = new long[h][h];
        double[][] divergence = new double[h][h];
        for (Row row : pairSums) {
            nRows[row.getInt(0)][row.getInt(1)] = row.getLong(2);
            divergence[row.getInt(0)][row.getInt(1)] = row.getDouble(3);
        }
        List<Row> rows = new ArrayList<>();
        if (everyPairCompared(nRows)) {
            double[][] js = PairwiseDistances.matrix(nRows, divergence);
            for (int a = 0; a < h; a++) {
                for (int b = 0; b < h; b++) {
                    rows.add(RowFactory.create(a / nHead, a % nHead, b / nHead, b % nHead, js[a][b]));
                }
            }
        }
        return spark.createDataFrame(rows, Schemas.HEAD_DISTANCES_SCHEMA);
    }

    /**
     * The distances of {@code head_distances} and the heads' clusters.
     *
     * @return null when the table has no rows
     * @throws BadInputException when it does not hold every ordered pair of an {@code nLayer × nHead} model
     */
    static Result fromTable(Dataset<Row> headDistances, String where, int nLayer, int nHead) {
        int h = nLayer * nHead;
        List<Row> rows = headDistances.collectAsList();
        if (rows.isEmpty()) {
            return null;
        }
        if (rows.size() != h * h) {
            throw new BadInputException(
                    "%s: %d rows, not one per ordered pair of the %d x %d heads of head_stats",
                    where, rows.size(), nLayer, nHead);
        }
        double[][] js = new double[h][h];
        for (Row r : rows) {
            int a = r.getInt(0) * nHead + r.getInt(1);
            int b = r.getInt(2) * nHead + r.getInt(3);
            if (r.getInt(0) >= nLayer || r.getInt(1) >= nHead || r.getInt(2) >= nLayer || r.getInt(3) >= nHead) {
                throw new BadInputException(
                        "%s: pair (%d.%d, %d.%d) is outside the %d x %d heads of head_stats",
                        where, r.getInt(0), r.getInt(1), r.getInt(2), r.getInt(3), nLayer, nHead);
            }
            js[a][b] = r.getDouble(4);
        }
        double[][] rounded = new double[h][h];
        for (int a = 0; a < h; a++) {
            for (int b = 0; b < h; b++) {
                rounded[a][b] = Math.round(js[a][b] * 1e12) / 1e12;
            }
        }
        int[] clusters = HeadClustering.cluster(rounded, HeadClustering.defaultClusterCount(h));
        return new Result(nLayer, nHead, js, clusters);
    }

    private static boolean everyPairCompared(long[][] nRows) {
        for (int a = 0; a < nRows.length; a++) {
            for (int b = a + 1; b < nRows.length; b++) {
                if (nRows[a][b] == 0) {
                    return false;
                }
            }
        }
        return true;
    }
}
