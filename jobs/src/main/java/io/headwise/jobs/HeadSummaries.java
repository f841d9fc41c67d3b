package io.headwise.jobs;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import io.headwise.spark.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;

/**
 * The per-head aggregations of {@code head_summary} (SPEC §4), as Spark transformations: every
 * one runs distributed, grouped by {@code (layer, head)}; nothing per sample reaches the driver.
 */
final class HeadSummaries {

    /** The per-sample statistics averaged weighted by {@code n_queries}. */
    static final List<String> WEIGHTED =
            List.of("entropy", "distance", "prev_token", "first_token", "self", "max_weight", "output_norm");

    /** How many tokens {@code top_tokens} keeps per head. */
    static final int TOP_TOKENS = 10;

    private HeadSummaries() {}

    /**
     * {@code head_stats} → per head {@code n_samples}, {@code n_queries}, the weighted means
     * {@code Σ n·stat / Σ n} and {@code importance} = mean |head_grad| (NULL when no sample has a
     * gradient).
     */
    static Dataset<Row> stats(Dataset<Row> headStats) {
        List<Column> aggregates = new ArrayList<>();
        aggregates.add(sum(col("n_queries")).as("n_queries"));
        for (String stat : WEIGHTED) {
            aggregates.add(sum(col("n_queries").multiply(col(stat)))
                    .divide(sum(col("n_queries")))
                    .as(stat));
        }
        aggregates.add(avg(abs(col("head_grad"))).as("importance"));
        return headStats.groupBy("layer", "head").agg(count(lit(1)).as("n_samples"), aggregates.toArray(new Column[0]));
    }

    /**
     * {@code head_token_mass} → per head {@code top_tokens}: the {@value #TOP_TOKENS} tokens with
     * the most mass (ties: smaller token id first), {@code weight} = mass / the head's total mass.
     */
    static Dataset<Row> topTokens(Dataset<Row> tokenMass) {
        var head = Window.partitionBy("layer", "head");
        var ranked = head.orderBy(col("mass").desc(), col("token_id"));
        return tokenMass
                .withColumn("weight", col("mass").divide(sum(col("mass")).over(head)))
                .withColumn("rank", row_number().over(ranked))
                .where(col("rank").leq(TOP_TOKENS))
                .groupBy("layer", "head")
                // collect_list has no order after a shuffle: sort the structs by their rank field.
                .agg(expr("transform(array_sort(collect_list(struct(rank, token, weight))),"
                                + " t -> named_struct('token', t.token, 'weight', t.weight))")
                        .as("top_tokens"));
    }

    /**
     * Joins the parts into {@code head_summary}'s columns and types. {@code probes}, {@code
     * topTokens} and {@code clusters} may be null: their columns are then NULL.
     */
    static Dataset<Row> join(Dataset<Row> stats, Dataset<Row> probes, Dataset<Row> topTokens, Dataset<Row> clusters) {
        Dataset<Row> summary = stats;
        summary = probes == null
                ? summary.withColumn("induction", lit(null)).withColumn("duplicate", lit(null))
                : summary.join(probes.select("layer", "head", "induction", "duplicate"), keys(), "left");
        summary = topTokens == null
                ? summary.withColumn(
                        "top_tokens",
                        lit(null)
                                .cast(Schemas.HEAD_SUMMARY_SCHEMA
                                        .apply("top_tokens")
                                        .dataType()))
                : summary.join(topTokens, keys(), "left");
        summary = clusters == null ? summary.withColumn("cluster", lit(null)) : summary.join(clusters, keys(), "left");
        List<Column> columns = new ArrayList<>();
        for (StructField field : Schemas.HEAD_SUMMARY_SCHEMA.fields()) {
            // Atomic columns get the schema's type; top_tokens already has it (up to nullability,
            // which a cast may not tighten).
            boolean atomic = !(field.dataType() instanceof ArrayType);
            columns.add((atomic ? col(field.name()).cast(field.dataType()) : col(field.name())).as(field.name()));
        }
        return summary.select(columns.toArray(new Column[0])).orderBy("layer", "head");
    }

    private static scala.collection.immutable.Seq<String> keys() {
        return scala.jdk.javaapi.CollectionConverters.asScala(List.of("layer", "head"))
                .toList();
    }
}
