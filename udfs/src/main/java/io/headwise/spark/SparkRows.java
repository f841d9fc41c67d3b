package io.headwise.spark;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/** DataFrames of rows that are already in Spark's internal form. */
public final class SparkRows {

    private SparkRows() {}

    /**
     * {@code rows}, whose values are Spark's internal ones for {@code schema} (boxed primitives,
     * {@code UTF8String}, {@code ArrayData}), as a DataFrame.
     *
     * <p>{@code createDataFrame(RDD<Row>, schema)} converts every external value with an interpreted
     * converter, boxing each element of an array: for {@code extract}'s {@code attention} and {@code
     * activations} tables that was a boxed object per float. This uses the classic session's
     * {@code internalCreateDataFrame} (Scala {@code private[sql]}, public in the bytecode, the
     * method Spark's own sources use), so the only per-row work left is Spark's projection into
     * {@code UnsafeRow}. The caller vouches for the values: they are not checked against the schema.
     */
    public static Dataset<Row> dataFrame(SparkSession spark, JavaRDD<InternalRow> rows, StructType schema) {
        return ((org.apache.spark.sql.classic.SparkSession) spark).internalCreateDataFrame(rows.rdd(), schema, false);
    }

    /**
     * {@code rows} under {@code schema}: the same columns in the same order with the same types,
     * but a tighter nullability (a column that is never null, though Spark cannot prove it). Spark's
     * internal rows pass on as they are, instead of a round trip through {@code Row} objects
     * ({@code createDataFrame(rows.rdd(), schema)}).
     */
    public static Dataset<Row> withSchema(Dataset<Row> rows, StructType schema) {
        return dataFrame(rows.sparkSession(), rows.queryExecution().toRdd().toJavaRDD(), schema);
    }
}
