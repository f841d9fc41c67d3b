package io.headwise.jobs.corpus;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.headwise.corpus.Utf8Text;
import io.headwise.spark.BoundedLineReader;
import io.headwise.spark.CorpusRows;
import io.headwise.spark.SplitLines;
import io.headwise.spark.TextDocuments;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.lib.input.FileInputFormat;
import org.apache.spark.api.java.JavaNewHadoopRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;

/**
 * Line-oriented inputs ({@code --format lines} and {@code text}) through Hadoop's {@code
 * TextInputFormat} splits and {@link BoundedLineReader}, which hands us raw bytes, at most {@code
 * --max-record-bytes} of a line, so that invalid UTF-8 is rejected instead of being
 * silently replaced. A line's number is made independent of how the file is split: the lines of
 * each split are counted first, and a line's number is the count of the file's earlier splits
 * plus its index in its own split, plus one. (This reads the input twice; the first pass only
 * counts.)
 */
final class LineFiles {

    private LineFiles() {}

    /**
     * Every line of {@code files}: source (base name), line (1-based within its file), text (null
     * when unreadable), error, excerpt.
     */
    static Dataset<Row> lines(SparkSession spark, List<String> files, long splitSize, int maxRecordBytes) {
        Configuration conf = new Configuration(spark.sparkContext().hadoopConfiguration());
        conf.setInt(BoundedLineReader.MAX_RECORD_BYTES, maxRecordBytes);
        if (splitSize > 0) {
            conf.setLong(FileInputFormat.SPLIT_MAXSIZE, splitSize);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        @SuppressWarnings("unchecked")
        JavaNewHadoopRDD<LongWritable, Text> raw = (JavaNewHadoopRDD<LongWritable, Text>) jsc.newAPIHadoopFile(
                String.join(",", files), BoundedLineReader.Format.class, LongWritable.class, Text.class, conf);
        JavaRDD<Row> rows = raw.mapPartitionsWithInputSplit(new SplitLines(), true);
        Dataset<Row> lines = spark.createDataFrame(rows, SplitLines.LINE);
        Dataset<Row> offsets = lines.groupBy("file", "split_start")
                .agg(count(lit(1)).as("n"))
                .withColumn(
                        "offset",
                        coalesce(
                                sum("n").over(Window.partitionBy("file")
                                        .orderBy("split_start")
                                        .rowsBetween(Window.unboundedPreceding(), -1)),
                                lit(0L)))
                .drop("n");
        return lines.join(functions.broadcast(offsets), new String[] {"file", "split_start"})
                .select(
                        regexp_extract(col("file"), "[^/]*$", 0).as("source"),
                        col("offset").plus(col("index")).plus(1).as("line"),
                        col("text"),
                        col("error"),
                        col("excerpt"));
    }

    /** {@code --format lines}: one document per line; bad, empty and blank lines rejected. */
    static Dataset<Row> lineDocuments(SparkSession spark, List<String> files, long splitSize, int maxRecordBytes) {
        Column blank = col("text").rlike("^(?U)\\s*$");
        Column usable = col("error").isNull().and(functions.not(blank));
        return lines(spark, files, splitSize, maxRecordBytes)
                .select(
                        col("source"),
                        col("line").as("doc_id"),
                        lit(null).cast("string").as("title"),
                        when(usable, col("text")).as("text"),
                        when(col("error").isNotNull(), col("error"))
                                .when(blank, lit("empty or whitespace-only line"))
                                .as("reason"),
                        when(usable, lit(null).cast("string"))
                                .otherwise(coalesce(
                                        col("excerpt"), functions.substring(col("text"), 1, Utf8Text.EXCERPT_CHARS)))
                                .as("excerpt"));
    }

    /** {@code --format text}: one document per file, or per paragraph. */
    static Dataset<Row> textDocuments(
            SparkSession spark, List<String> files, boolean paragraphs, long splitSize, int maxRecordBytes) {
        Dataset<Row> byFile = lines(spark, files, splitSize, maxRecordBytes)
                .groupBy("source")
                .agg(sort_array(collect_list(struct(col("line"), col("text"), col("error"))))
                        .as("lines"));
        return byFile.flatMap(new TextDocuments(paragraphs), Encoders.row(CorpusRows.DOCUMENT));
    }
}
