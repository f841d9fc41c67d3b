package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;

import io.headwise.spark.Schemas;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What {@code demo} prints at the end: the top heads per statistic, where things are, SQL to try. */
final class DemoSummary {

    /** How many heads to name per statistic. */
    static final int TOP = 3;

    /** Statistics whose highest values name the heads that do the most of it. */
    private static final List<String> HIGHEST = List.of(
            "prev_token", "first_token", "self", "distance", "max_weight", "importance", "induction", "duplicate");

    private DemoSummary() {}

    static void print(JobContext context, SparkSession spark, String dir, String model, String report) {
        Dataset<Row> summary = Tables.read(spark, dir, Schemas.HEAD_SUMMARY, "summarize");
        context.print("");
        context.print("Top heads (LlHh = layer l, head h) per statistic of head_summary:");
        printTop(context, summary, "entropy", col("entropy").asc(), "lowest, most focused");
        for (String stat : HIGHEST) {
            printTop(context, summary, stat, col(stat).desc(), "highest");
        }
        context.print("");
        context.print("Where everything is:");
        // The demo's steps write these: tokenize, extract (every table it declares), ablate, probe, summarize.
        List<String> tables = new java.util.ArrayList<>(List.of(Schemas.TOKENS));
        tables.addAll(ExtractJob.OUTPUT_TABLES);
        tables.addAll(List.of(
                Schemas.HEAD_ABLATION,
                Schemas.HEAD_PROBES,
                Schemas.HEAD_SUMMARY,
                Schemas.LAYER_SUMMARY,
                Schemas.RUN_MANIFEST));
        context.print("  tables         %s/{%s}", dir, String.join(",", tables));
        context.print("  model          %s (config.json, model.safetensors, tokenizer.json)", model);
        if (report != null) {
            context.print("  report         %s", report);
        }
        context.print("  example SQL    conf/queries/*.sql");
        context.print("");
        context.print("Try:");
        context.print("  ./headwise sql --tables %s --file conf/queries/top_previous_token_heads.sql", dir);
        context.print(
                "  ./headwise sql --tables %s \"SELECT layer, head, induction, prev_token, first_token, cluster FROM head_summary ORDER BY induction DESC LIMIT 5\"",
                dir);
        context.print(
                "  ./headwise sql --tables %s \"SELECT t.tokens, top_attended(a.pattern, 3, 2) AS top_keys, pattern_entropy(a.pattern, 3) AS entropy"
                        + " FROM attention a JOIN tokens t USING (sample_id) WHERE a.layer = 0 AND a.head = 0 AND size(a.pattern) > 3 LIMIT 5\"",
                dir);
    }

    private static void printTop(JobContext context, Dataset<Row> summary, String stat, Column order, String which) {
        StringBuilder line = new StringBuilder();
        for (Row row : summary.where(col(stat).isNotNull())
                .orderBy(order, col("layer"), col("head"))
                .limit(TOP)
                .select("layer", "head", stat)
                .collectAsList()) {
            line.append(String.format("  L%dH%d %.3f", row.getInt(0), row.getInt(1), row.getDouble(2)));
        }
        context.print("  %-12s%s%s", stat, line.length() == 0 ? "  (no values)" : line, "   (" + which + ")");
    }
}
