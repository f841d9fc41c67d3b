package io.headwise.jobs;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.headwise.spark.Schemas;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructField;

/**
 * {@code layer_summary} (SPEC §6): how early in depth the model knows the next token, per layer,
 * over every prediction the {@code logit_lens} table holds ({@code t = 0..T−2} of each explained
 * sample). Distributed, grouped by layer; the median is Spark's exact {@code percentile}, which
 * keeps one count per distinct rank, so its memory is bounded by the vocabulary, not the corpus.
 */
final class LayerSummaries {

    private LayerSummaries() {}

    /**
     * @param logitLens the {@code logit_lens} table
     * @param tokenStats the same run's {@code token_stats}, for the actual next token {@code
     *     x_{t+1}} (the token at {@code t + 1})
     */
    static Dataset<Row> of(Dataset<Row> logitLens, Dataset<Row> tokenStats) {
        Dataset<Row> next = tokenStats.select(
                col("sample_id").as("next_sample_id"),
                col("position").minus(1).as("next_position"),
                col("token_id").as("next_id"));
        Dataset<Row> predictions = logitLens
                .where(col("target_prob").isNotNull())
                .join(
                        next,
                        col("sample_id")
                                .equalTo(col("next_sample_id"))
                                .and(col("position").equalTo(col("next_position"))));
        Dataset<Row> summary = predictions
                .groupBy("layer")
                .agg(
                        count(lit(1)).as("n_predictions"),
                        avg(col("target_prob")).as("target_prob"),
                        avg(when(col("top_id").equalTo(col("next_id")), 1.0).otherwise(0.0))
                                .as("top1"),
                        expr("percentile(target_rank, 0.5)").as("target_rank"));
        List<Column> columns = new ArrayList<>();
        for (StructField field : Schemas.LAYER_SUMMARY_SCHEMA.fields()) {
            columns.add(col(field.name()).cast(field.dataType()).as(field.name()));
        }
        return summary.select(columns.toArray(new Column[0])).orderBy("layer");
    }
}
