package io.headwise.jobs;

import io.headwise.spark.Schemas;
import io.headwise.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Hand-made corpus tables for gpt2-tiny's 2 × 2 heads, as summarize and probe would write them,
 * and a copy of gpt2-tiny with a training curve. Values are simple functions of (layer, head) so
 * tests can check them by hand.
 */
final class ReportTables {

    static final int LAYERS = 2;
    static final int HEADS = 2;

    private ReportTables() {}

    /**
     * {@code head_summary}: statistic i of head (l, h) = 0.1·i + 0.01·(2l + h) (output_norm, the
     * last column, i = 9); cluster = l.
     */
    static void writeHeadSummary(SparkSession spark, Path runDir) {
        List<Row> rows = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            for (int h = 0; h < HEADS; h++) {
                double b = 0.01 * (2 * l + h);
                List<Row> top = List.of(
                        RowFactory.create("a", 0.5), RowFactory.create("m", 0.25), RowFactory.create(null, 0.25));
                rows.add(RowFactory.create(
                        l, h, 1000L, 15000L, b, 0.1 + b, 0.2 + b, 0.3 + b, 0.4 + b, 0.5 + b, 0.6 + b, 0.7 + b, 0.8 + b,
                        l, top, 0.9 + b));
            }
        }
        spark.createDataFrame(rows, Schemas.HEAD_SUMMARY_SCHEMA)
                .coalesce(1)
                .write()
                .parquet(runDir.resolve(Schemas.HEAD_SUMMARY).toString());
    }

    /** {@code head_probes}: induction = 0.5·l + 0.1·h, duplicate = 0.05, prev_token = 0.2·h. */
    static void writeHeadProbes(SparkSession spark, Path runDir) {
        List<Row> rows = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            for (int h = 0; h < HEADS; h++) {
                rows.add(RowFactory.create(l, h, 0.5 * l + 0.1 * h, 0.05, 0.2 * h, 100, 10));
            }
        }
        spark.createDataFrame(rows, Schemas.HEAD_PROBES_SCHEMA)
                .coalesce(1)
                .write()
                .parquet(runDir.resolve(Schemas.HEAD_PROBES).toString());
    }

    /**
     * {@code head_distances} for pairs a &lt; b: heads of the same layer 0.1 apart, of different
     * layers 1.0 apart — two tight groups, one per layer.
     */
    static void writeHeadDistances(SparkSession spark, Path runDir) {
        List<Row> rows = new ArrayList<>();
        for (int a = 0; a < LAYERS * HEADS; a++) {
            for (int b = a + 1; b < LAYERS * HEADS; b++) {
                double js = a / HEADS == b / HEADS ? 0.1 : 1.0;
                rows.add(RowFactory.create(a / HEADS, a % HEADS, b / HEADS, b % HEADS, js));
            }
        }
        spark.createDataFrame(rows, Schemas.HEAD_DISTANCES_SCHEMA)
                .coalesce(1)
                .write()
                .parquet(runDir.resolve(Schemas.HEAD_DISTANCES).toString());
    }

    /** {@code layer_summary}: layer l has target_prob 0.1 + 0.2·l, top1 0.05 + 0.15·l, median rank 9 − 6·l. */
    static void writeLayerSummary(SparkSession spark, Path runDir) {
        List<Row> rows = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            rows.add(RowFactory.create(l, 15000L, 0.1 + 0.2 * l, 0.05 + 0.15 * l, 9.0 - 6 * l));
        }
        spark.createDataFrame(rows, Schemas.LAYER_SUMMARY_SCHEMA)
                .coalesce(1)
                .write()
                .parquet(runDir.resolve(Schemas.LAYER_SUMMARY).toString());
    }

    /**
     * {@code head_ablation} as {@code ablate --sweep zero --intervene …} would write it: for head
     * {@code i = 2l + h}, {@code delta_loss = 0.1·(i + 1)}, {@code delta_mean} 0.1, 0.3, 0.2, 0.4
     * and {@code grad_proxy = 0.01·(i + 1)} (Spearman ρ = 1 − 6·2/(4·15) = 0.8); then one merge
     * and one joint intervention. No mean ablation.
     */
    static void writeHeadAblation(SparkSession spark, Path runDir) {
        double[] deltaMean = {0.1, 0.3, 0.2, 0.4};
        List<Row> rows = new ArrayList<>();
        for (int l = 0; l < LAYERS; l++) {
            for (int h = 0; h < HEADS; h++) {
                int i = 2 * l + h;
                double loss = 2.0 + 0.1 * (i + 1);
                rows.add(RowFactory.create(
                        "zero " + l + "." + h,
                        "zero",
                        l,
                        h,
                        null,
                        null,
                        40L,
                        400L,
                        2.0,
                        loss,
                        loss - 2.0,
                        deltaMean[i],
                        0.1,
                        deltaMean[i] - 0.031,
                        deltaMean[i] + 0.031,
                        0.75,
                        1.5,
                        0.01 * (i + 1)));
            }
        }
        rows.add(RowFactory.create(
                "merge 1.0+1@0.5",
                "merge",
                1,
                0,
                1,
                0.5,
                40L,
                400L,
                2.0,
                2.125,
                0.125,
                0.12,
                0.1,
                0.089,
                0.151,
                0.5,
                0.9,
                null));
        rows.add(RowFactory.create(
                "zero 0.0 & zero 1.1",
                "joint",
                null,
                null,
                null,
                null,
                40L,
                400L,
                2.0,
                2.6,
                0.6,
                0.55,
                0.2,
                0.488,
                0.612,
                1.0,
                2.0,
                null));
        spark.createDataFrame(rows, io.headwise.spark.AblationTables.HEAD_ABLATION_SCHEMA)
                .coalesce(1)
                .write()
                .parquet(runDir.resolve(Schemas.HEAD_ABLATION).toString());
    }

    static void writeAll(SparkSession spark, Path runDir) {
        writeHeadSummary(spark, runDir);
        writeHeadProbes(spark, runDir);
        writeHeadDistances(spark, runDir);
    }

    /** gpt2-tiny copied to {@code dir} with a three-row curve.csv. */
    static Path modelWithCurve(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(Fixtures.gpt2Tiny())) {
            for (Path f : files.toList()) {
                Files.copy(f, dir.resolve(f.getFileName()));
            }
        }
        Files.writeString(
                dir.resolve("curve.csv"),
                "step,train_loss,test_loss,lr,elapsed_seconds\n"
                        + "0,3.295837,3.296000,0.0001,0.0\n100,2.600000,2.650000,0.001,5.0\n200,2.300000,2.400000,0.0005,10.0\n");
        return dir;
    }
}
