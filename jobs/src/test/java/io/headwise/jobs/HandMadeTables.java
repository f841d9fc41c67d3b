package io.headwise.jobs;

import io.headwise.metrics.JensenShannon;
import io.headwise.spark.Schemas;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A run directory of hand-made tables for a 2-layer × 2-head model (heads indexed {@code i = layer
 * * 2 + head}) over two samples of 3 tokens, with numbers that are easy to recompute by hand.
 */
final class HandMadeTables {

    static final int N_LAYER = 2;
    static final int N_HEAD = 2;

    /** Every sample's pattern of head {@code i}: 0 and 1 look at the first token, 2 and 3 at themselves. */
    static final float[][][] PATTERNS = {
        {{1f}, {1f, 0f}, {1f, 0f, 0f}},
        {{1f}, {0.5f, 0.5f}, {0.6f, 0.3f, 0.1f}},
        {{1f}, {0f, 1f}, {0f, 0f, 1f}},
        {{1f}, {0f, 1f}, {0.1f, 0.3f, 0.6f}},
    };

    private HandMadeTables() {}

    /**
     * head_stats: sample 1 (n_queries 3) and sample 2 (n_queries 1); per head {@code i}: entropy
     * 0.1·(i+1) and 0.5, distance 1 and 2, prev_token 0.5 and 0.1, first_token 0.2 and 0.6, self
     * 0.3 and 0.3, max_weight 0.6 and 0.9, head_grad −0.2·(i+1) and 0.4 (NULL for head 3), output_norm
     * 0.7·(i+1) and 1.5.
     */
    static void headStats(SparkSession spark, Path dir) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int l = i / 2;
            int h = i % 2;
            rows.add(RowFactory.create(
                    1L, l, h, 3, 0.1 * (i + 1), 1.0, 0.5, 0.2, 0.3, 0.6, -0.2 * (i + 1), 0.7 * (i + 1)));
            rows.add(RowFactory.create(2L, l, h, 1, 0.5, 2.0, 0.1, 0.6, 0.3, 0.9, i == 3 ? null : 0.4, 1.5));
        }
        write(spark, dir, Schemas.HEAD_STATS, Schemas.HEAD_STATS_SCHEMA, rows);
    }

    /** head_probes: induction 0.3 − 0.1·i, duplicate 0.05·i, prev_token 0.5. */
    static void headProbes(SparkSession spark, Path dir) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rows.add(RowFactory.create(i / 2, i % 2, 0.3 - 0.1 * i, 0.05 * i, 0.5, 10, 4));
        }
        write(spark, dir, Schemas.HEAD_PROBES, Schemas.HEAD_PROBES_SCHEMA, rows);
    }

    /**
     * head_token_mass: L0H0 a=3, b=1; L0H1 q(id 2)=1, p(id 5)=1 (a tie); L1H0 x=2; L1H1 twelve
     * tokens t01..t12 with mass 1..12 (total 78).
     */
    static void headTokenMass(SparkSession spark, Path dir) {
        List<Row> rows = new ArrayList<>(List.of(
                RowFactory.create(0, 0, 1, "a", 3.0),
                RowFactory.create(0, 0, 2, "b", 1.0),
                RowFactory.create(0, 1, 5, "p", 1.0),
                RowFactory.create(0, 1, 2, "q", 1.0),
                RowFactory.create(1, 0, 7, "x", 2.0)));
        for (int t = 1; t <= 12; t++) {
            rows.add(RowFactory.create(1, 1, 100 + t, String.format("t%02d", t), (double) t));
        }
        write(spark, dir, Schemas.HEAD_TOKEN_MASS, Schemas.HEAD_TOKEN_MASS_SCHEMA, rows);
    }

    /** attention: samples 1 and 2, every head with its {@link #PATTERNS} entry (no value-weighted patterns). */
    static void attention(SparkSession spark, Path dir) {
        List<Row> rows = new ArrayList<>();
        for (long sample = 1; sample <= 2; sample++) {
            for (int i = 0; i < 4; i++) {
                List<Object> pattern = new ArrayList<>();
                for (float[] row : PATTERNS[i]) {
                    Float[] boxed = new Float[row.length];
                    for (int k = 0; k < row.length; k++) {
                        boxed[k] = row[k];
                    }
                    pattern.add(
                            CollectionConverters.asScala(Arrays.asList(boxed)).toSeq());
                }
                rows.add(RowFactory.create(
                        sample,
                        i / 2,
                        i % 2,
                        CollectionConverters.asScala(pattern).toSeq(),
                        null));
            }
        }
        write(spark, dir, Schemas.ATTENTION, Schemas.ATTENTION_SCHEMA, rows);
    }

    /** token_stats: sample 1 = "a b a", sample 2 = "b a b"; grad_norm 1.0 for a, 2.0 for b. */
    static void tokenStats(SparkSession spark, Path dir) {
        List<Row> rows = new ArrayList<>();
        String[][] samples = {{"a", "b", "a"}, {"b", "a", "b"}};
        for (int s = 0; s < 2; s++) {
            for (int p = 0; p < 3; p++) {
                String token = samples[s][p];
                double norm = token.equals("a") ? 1.0 : 2.0;
                rows.add(RowFactory.create(
                        s + 1L, p, token.equals("a") ? 1 : 2, token, p == 2 ? null : 0.5, norm, -norm));
            }
        }
        write(spark, dir, Schemas.TOKEN_STATS, Schemas.TOKEN_STATS_SCHEMA, rows);
    }

    /**
     * logit_lens of the {@link #tokenStats} samples (ids: a = 1, b = 2; next tokens: sample 1 → b, a;
     * sample 2 → a, b), layers 0 and 1, as {@code (top_id, target_prob, target_rank)} per prediction:
     * layer 0 (1, 0.1, 3), (1, 0.5, 1), (2, 0.2, 2), (1, 0.3, 5); layer 1 (2, 0.6, 1), (1, 0.7, 1),
     * (1, 0.8, 1), and (1, 0.45, 1) where the next token ties the top one (rank 1, top_id not it).
     * The last positions have top_id 7 and no target.
     */
    static void logitLens(SparkSession spark, Path dir) {
        Object[][][] predictions = {
            {{1, 0.1, 3}, {1, 0.5, 1}, {2, 0.2, 2}, {1, 0.3, 5}},
            {{2, 0.6, 1}, {1, 0.7, 1}, {1, 0.8, 1}, {1, 0.45, 1}},
        };
        List<Row> rows = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (int s = 0; s < 2; s++) {
                for (int p = 0; p < 2; p++) {
                    Object[] x = predictions[l][s * 2 + p];
                    rows.add(RowFactory.create(s + 1L, l, p, x[0], "?", 0.9, x[1], x[2]));
                }
                rows.add(RowFactory.create(s + 1L, l, 2, 7, "z", 0.9, null, null));
            }
        }
        write(spark, dir, Schemas.LOGIT_LENS, Schemas.LOGIT_LENS_SCHEMA, rows);
    }

    /**
     * head_distances: every ordered pair of the four heads, {@code js} the mean Jensen–Shannon
     * divergence of their {@link #PATTERNS} rows q = 1, 2 (zero on the diagonal): heads 0 and 1
     * attend to the first token, heads 2 and 3 to themselves.
     */
    static void headDistances(SparkSession spark, Path dir) {
        List<Row> rows = new ArrayList<>();
        for (int a = 0; a < 4; a++) {
            for (int b = 0; b < 4; b++) {
                double js = a == b
                        ? 0.0
                        : (JensenShannon.divergence(PATTERNS[a][1], PATTERNS[b][1])
                                        + JensenShannon.divergence(PATTERNS[a][2], PATTERNS[b][2]))
                                / 2;
                rows.add(RowFactory.create(a / 2, a % 2, b / 2, b % 2, js));
            }
        }
        write(spark, dir, Schemas.HEAD_DISTANCES, Schemas.HEAD_DISTANCES_SCHEMA, rows);
    }

    /** All of the above. */
    static void all(SparkSession spark, Path dir) {
        headStats(spark, dir);
        headProbes(spark, dir);
        headTokenMass(spark, dir);
        attention(spark, dir);
        headDistances(spark, dir);
        tokenStats(spark, dir);
    }

    /** Appends a run_manifest row of {@code job} having run the model in {@code modelDir}. */
    static void manifest(SparkSession spark, Path dir, String job, String modelDir, String config) {
        Row row = RowFactory.create(
                job,
                CollectionConverters.asScala(List.<String>of()).toSeq(),
                modelDir,
                config,
                CollectionConverters.asScala(List.<String>of()).toSeq(),
                "test",
                Schemas.METRICS_VERSION,
                Timestamp.from(Instant.now()),
                Timestamp.from(Instant.now()),
                CollectionConverters.asScala(Map.<String, Long>of()),
                CollectionConverters.asScala(Map.<String, String>of()),
                true);
        spark.createDataFrame(List.of(row), Schemas.RUN_MANIFEST_SCHEMA)
                .write()
                .mode("append")
                .parquet(dir.resolve(Schemas.RUN_MANIFEST).toString());
    }

    private static void write(SparkSession spark, Path dir, String name, StructType schema, List<Row> rows) {
        spark.createDataFrame(rows, schema)
                .coalesce(1)
                .write()
                .parquet(dir.resolve(name).toString());
    }
}
