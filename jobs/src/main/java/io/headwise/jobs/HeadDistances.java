package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;

import io.headwise.metrics.HeadClustering;
import io.headwise.metrics.PairwiseDistances;
import io.headwise.spark.HeadDistancePartition;
import io.headwise.spark.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Jensen–Shannon distances between heads' attention rows on the samples with patterns, and the
 * heads' clusters (SPEC §4, Clark et al. 2019). Samples are grouped and compared on the executors;
 * only the {@code H·(H−1)/2} per-pair sums reach the driver, which builds the small {@code H×H}
 * matrix and clusters it.
 *
 * <p>Distances are rounded to {@value #DIGITS} decimals before clustering: Spark may sum the
 * per-partition partial sums in any order, and the last bits of a sum must not decide a merge.
 */
final class HeadDistances {

    static final int DIGITS = 12;

    /** The distances of every pair, {@code [H][H]} symmetric with a zero diagonal. */
    record Result(int nLayer, int nHead, double[][] js, int[] clusters) {

        /** {@code head_distances}: every ordered pair, diagonal included. */
        Dataset<Row> table(SparkSession spark) {
            List<Row> rows = new ArrayList<>();
            int h = js.length;
            for (int a = 0; a < h; a++) {
                for (int b = 0; b < h; b++) {
                    rows.add(RowFactory.create(a / nHead, a % nHead, b / nHead, b % nHead, js[a][b]));
                }
            }
            return spark.createDataFrame(rows, Schemas.HEAD_DISTANCES_SCHEMA);
        }

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
     * @param attention the {@code attention} table
     * @return null when some pair of heads shares no attention row (no sample has both patterns)
     */
    static Result compute(Dataset<Row> attention, int nLayer, int nHead) {
        int h = nLayer * nHead;
        List<Row> sums = attention
                .groupBy("sample_id")
                .agg(collect_list(struct(col("layer"), col("head"), col("pattern")))
                        .as(HeadDistancePartition.HEADS))
                .mapPartitions(
                        new HeadDistancePartition(nLayer, nHead), Encoders.row(HeadDistancePartition.SUMS_SCHEMA))
                .groupBy("index_a", "index_b")
                .agg(sum("n_rows").as("n_rows"), sum("divergence_sum").as("divergence_sum"))
                .collectAsList();
        long[][] nRows = new long[h][h];
        double[][] divergence = new double[h][h];
        for (Row row : sums) {
            nRows[row.getInt(0)][row.getInt(1)] = row.getLong(2);
            divergence[row.getInt(0)][row.getInt(1)] = row.getDouble(3);
        }
        for (int a = 0; a < h; a++) {
            for (int b = a + 1; b < h; b++) {
                if (nRows[a][b] == 0) {
                    return null;
                }
            }
        }
        double[][] js = PairwiseDistances.matrix(nRows, divergence);
        double[][] rounded = new double[h][h];
        for (int a = 0; a < h; a++) {
            for (int b = 0; b < h; b++) {
                rounded[a][b] = Math.round(js[a][b] * 1e12) / 1e12;
            }
        }
        int[] clusters = HeadClustering.cluster(rounded, HeadClustering.defaultClusterCount(h));
        return new Result(nLayer, nHead, js, clusters);
    }
}
