package io.headwise.spark;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/** Where a task's rows go, by table: Parquet files ({@link TaskTableFiles}), or a list in tests. */
@FunctionalInterface
public interface TableSink {

    /** Appends {@code row} to {@code table}; the row may be reused by the caller once this returns. */
    void write(String table, StructType schema, InternalRow row);
}
