package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.SparkTestSession;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SummarizeIT {

    private static final double EPS = 1e-12;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static CliRun first;

    @BeforeAll
    static void summarizeHandMadeTables() {
        spark = SparkTestSession.get();
        HandMadeTables.all(spark, dir);
        HandMadeTables.logitLens(spark, dir);
        HandMadeTables.manifest(spark, dir, "extract", "/models/names", "{\"n_layer\": 2, \"n_head\": 2}");
        HandMadeTables.manifest(spark, dir, "probe", "/models/names", "{\"n_head\":2,\"n_layer\":2}");
        first = CliRun.of("summarize", "--tables", dir.toString());
    }

    private static Map<String, Row> byHead(Dataset<Row> table) {
        Map<String, Row> rows = new HashMap<>();
        for (Row row : table.collectAsList()) {
            rows.put("L" + row.getInt(row.fieldIndex("layer")) + "H" + row.getInt(row.fieldIndex("head")), row);
        }
        return rows;
    }

    private static Dataset<Row> summary() {
        return spark.read().parquet(dir.resolve(Schemas.HEAD_SUMMARY).toString());
    }

    @Test
    void writesOneRowPerHeadWithTheSchema() {
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("head_summary", "4 rows");
        Dataset<Row> summary = summary();
        assertThat(summary.count()).isEqualTo(HandMadeTables.N_LAYER * HandMadeTables.N_HEAD);
        assertThat(summary.schema().fieldNames()).containsExactly(Schemas.HEAD_SUMMARY_SCHEMA.fieldNames());
        for (var field : Schemas.HEAD_SUMMARY_SCHEMA.fields()) {
            assertThat(summary.schema().apply(field.name()).dataType().sameType(field.dataType()))
                    .as(field.name())
                    .isTrue();
        }
    }

    @Test
    void weightedMeansImportanceAndProbesAreTheHandComputedNumbers() {
        Map<String, Row> rows = byHead(summary());
        for (int i = 0; i < 4; i++) {
            Row r = rows.get("L" + i / 2 + "H" + i % 2);
            assertThat(r.getLong(r.fieldIndex("n_samples"))).isEqualTo(2);
            assertThat(r.getLong(r.fieldIndex("n_queries"))).isEqualTo(4);
            assertThat(r.getDouble(r.fieldIndex("entropy"))).isCloseTo((3 * 0.1 * (i + 1) + 0.5) / 4, within(EPS));
            assertThat(r.getDouble(r.fieldIndex("distance"))).isCloseTo(1.25, within(EPS));
            assertThat(r.getDouble(r.fieldIndex("prev_token"))).isCloseTo(0.4, within(EPS));
            assertThat(r.getDouble(r.fieldIndex("first_token"))).isCloseTo(0.3, within(EPS));
            assertThat(r.getDouble(r.fieldIndex("self"))).isCloseTo(0.3, within(EPS));
            assertThat(r.getDouble(r.fieldIndex("max_weight"))).isCloseTo(0.675, within(EPS));
            double importance = i == 3 ? 0.8 : (0.2 * (i + 1) + 0.4) / 2;
            assertThat(r.getDouble(r.fieldIndex("importance"))).isCloseTo(importance, within(EPS));
            assertThat(r.getDouble(r.fieldIndex("induction"))).isCloseTo(0.3 - 0.1 * i, within(EPS));
            assertThat(r.getDouble(r.fieldIndex("duplicate"))).isCloseTo(0.05 * i, within(EPS));
            // n_queries 3 and 1: (3·0.7·(i+1) + 1.5) / 4
            assertThat(r.getDouble(r.fieldIndex("output_norm"))).isCloseTo((3 * 0.7 * (i + 1) + 1.5) / 4, within(EPS));
        }
    }

    @Test
    void layerSummaryIsTheHandComputedNumbers() {
        assertThat(first.out()).containsPattern("layer_summary\\s+2 rows");
        Dataset<Row> layers =
                spark.read().parquet(dir.resolve(Schemas.LAYER_SUMMARY).toString());
        assertThat(layers.schema().fieldNames()).containsExactly(Schemas.LAYER_SUMMARY_SCHEMA.fieldNames());
        List<Row> rows = layers.orderBy("layer").collectAsList();
        assertThat(rows).hasSize(2);
        // Layer 0: predictions (top_id, target_prob, target_rank) = (1, 0.1, 3), (1, 0.5, 1), (2, 0.2,
        // 2), (1, 0.3, 5) for next tokens 2, 1, 1, 2: one right; ranks 1, 2, 3, 5 → median 2.5.
        assertThat(rows.get(0).getLong(1)).isEqualTo(4);
        assertThat(rows.get(0).getDouble(2)).isCloseTo(0.275, within(EPS));
        assertThat(rows.get(0).getDouble(3)).isCloseTo(0.25, within(EPS));
        assertThat(rows.get(0).getDouble(4)).isCloseTo(2.5, within(EPS));
        // Layer 1: every rank is 1, but the last top_id (1) is not the next token (2): top1 = ¾.
        assertThat(rows.get(1).getLong(1)).isEqualTo(4);
        assertThat(rows.get(1).getDouble(2)).isCloseTo(0.6375, within(EPS));
        assertThat(rows.get(1).getDouble(3)).isCloseTo(0.75, within(EPS));
        assertThat(rows.get(1).getDouble(4)).isCloseTo(1.0, within(EPS));
    }

    @Test
    void twoStatisticsRecomputedWithPlainSqlAgree() {
        summary().createOrReplaceTempView("summarize_it_summary");
        spark.read().parquet(dir.resolve(Schemas.HEAD_STATS).toString()).createOrReplaceTempView("summarize_it_stats");
        List<Row> rows = spark.sql("""
                SELECT s.layer, s.head, s.first_token, s.importance, r.first_token, r.importance
                FROM summarize_it_summary s JOIN (
                    SELECT layer, head,
                           SUM(n_queries * first_token) / SUM(n_queries) AS first_token,
                           AVG(ABS(head_grad)) AS importance
                    FROM summarize_it_stats GROUP BY layer, head) r
                ON s.layer = r.layer AND s.head = r.head""").collectAsList();
        assertThat(rows).hasSize(4);
        for (Row row : rows) {
            assertThat(row.getDouble(2)).isCloseTo(row.getDouble(4), within(EPS));
            assertThat(row.getDouble(3)).isCloseTo(row.getDouble(5), within(EPS));
        }
    }

    @Test
    void topTokensAreTheHeaviestTenWithWeightsOverTheHeadsTotal() {
        Map<String, Row> rows = byHead(summary());
        assertThat(topTokens(rows.get("L0H0"))).containsExactly("a=0.75", "b=0.25");
        assertThat(topTokens(rows.get("L0H1"))).containsExactly("q=0.5", "p=0.5");
        assertThat(topTokens(rows.get("L1H0"))).containsExactly("x=1.0");
        List<String> twelve = topTokens(rows.get("L1H1"));
        assertThat(twelve).hasSize(10).startsWith("t12=" + 12 / 78.0).endsWith("t03=" + 3 / 78.0);
    }

    private static List<String> topTokens(Row row) {
        List<Row> tokens = row.getList(row.fieldIndex("top_tokens"));
        return tokens.stream().map(t -> t.getString(0) + "=" + t.getDouble(1)).toList();
    }

    @Test
    void clustersSplitFirstTokenFromSelfHeadsTheSameEveryRun() {
        List<Integer> clusters = clusters();
        assertThat(clusters).containsExactly(0, 0, 1, 1);
        CliRun again = CliRun.of("summarize", "--tables", dir.toString(), "--overwrite");
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(clusters()).isEqualTo(clusters);
    }

    private static List<Integer> clusters() {
        return summary().orderBy("layer", "head").select("cluster").collectAsList().stream()
                .map(r -> r.getInt(0))
                .toList();
    }

    @Test
    void refusesToReplaceWithoutOverwrite() {
        CliRun again = CliRun.of("summarize", "--tables", dir.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("head_summary already exists; pass --overwrite");
    }

    @Test
    void refusesTablesFromTwoModels(@TempDir Path other) {
        HandMadeTables.headStats(spark, other);
        HandMadeTables.headProbes(spark, other);
        HandMadeTables.manifest(spark, other, "extract", "/models/names", "{\"n_layer\": 2}");
        HandMadeTables.manifest(spark, other, "probe", "/models/shakespeare", "{\"n_layer\": 2}");
        CliRun run = CliRun.of("summarize", "--tables", other.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("headwise summarize: " + other
                        + ": tables from two different models: `extract` ran /models/names, `probe` ran /models/shakespeare;"
                        + " rerun one of them on the other's model");
        assertThat(other.resolve(Schemas.HEAD_SUMMARY)).doesNotExist();
    }

    @Test
    void namesTheMissingTableAndTheJobThatMakesIt(@TempDir Path empty) {
        HandMadeTables.headProbes(spark, empty);
        CliRun run = CliRun.of("summarize", "--tables", empty.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no complete table 'head_stats' (it is written by `headwise extract`)");
    }

    @Test
    void withoutOptionalTablesTheirColumnsAreNull(@TempDir Path statsOnly) {
        HandMadeTables.headStats(spark, statsOnly);
        CliRun run = CliRun.of("summarize", "--tables", statsOnly.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(
                        "no head_probes table",
                        "no head_token_mass table",
                        "no head_distances table",
                        "no logit_lens table: no layer_summary");
        Dataset<Row> summary =
                spark.read().parquet(statsOnly.resolve(Schemas.HEAD_SUMMARY).toString());
        assertThat(summary.where("induction IS NULL AND cluster IS NULL AND top_tokens IS NULL")
                        .count())
                .isEqualTo(4);
        assertThat(statsOnly.resolve(Schemas.HEAD_DISTANCES)).doesNotExist();
        assertThat(statsOnly.resolve(Schemas.LAYER_SUMMARY)).doesNotExist();
    }
}
