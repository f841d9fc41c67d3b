package io.headwise.spark;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One task's Parquet files, one per table, written as its rows are made, so a job that makes
 * several tables from one pass over its input (the model pass of {@code extract}) writes them all
 * in that pass, without caching the pass or running one Spark job per table.
 *
 * <p>The files are this task attempt's own ({@code RUN/TABLE/_attempts/part-PPPPP-ATTEMPT.parquet})
 * and the task returns what it wrote ({@link Written}); the driver keeps the files of the attempt
 * whose result it received for each partition and removes every other attempt's ({@code
 * io.headwise.jobs.TaskFilesCommit}): Spark's output commit protocol, for tables Spark's writer
 * does not make. Rows go through Spark's own {@link ParquetWriteSupport}, so the files are the
 * ones Spark would write for the schema, less the optional statistics of floating-point columns and
 * the size statistics (level histograms) Spark does not read.
 */
public final class TaskTableFiles implements TableSink, AutoCloseable {

    /** Where a task's uncommitted files live, under each table's directory. */
    public static final String ATTEMPTS = "_attempts";

    /** Row groups of at most 32 MB: a task keeps one open per table. */
    static final int ROW_GROUP_BYTES = 32 << 20;

    /** What one task attempt wrote: per table, its file and row count. */
    public record Written(int partition, long attempt, Map<String, TableFile> files) implements Serializable {}

    /** One file of one table. */
    public record TableFile(String path, long rows) implements Serializable {}

    private final String runDir;
    private final int partition;
    private final long attempt;
    private final Configuration conf;
    private final Map<String, Open> open = new LinkedHashMap<>();

    private record Open(String path, ParquetWriter<InternalRow> writer, long[] rows) {}

    /**
     * @param runDir the (staging) run directory the tables are written under
     * @param partition the task's partition
     * @param attempt the task attempt's id, unique within the application
     */
    public TaskTableFiles(String runDir, int partition, long attempt, Configuration conf) {
        this.runDir = runDir;
        this.partition = partition;
        this.attempt = attempt;
        this.conf = conf;
    }

    @Override
    public void write(String table, StructType schema, InternalRow row) {
        Open file = open.computeIfAbsent(table, t -> open(t, schema));
        try {
            file.writer().write(row);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file.path(), e);
        }
        file.rows()[0]++;
    }

    /** Makes sure {@code table} has a file from this task, empty if it had no rows. */
    public void touch(String table, StructType schema) {
        open.computeIfAbsent(table, t -> open(t, schema));
    }

    /** Closes every file and says what was written. */
    public Written finish() {
        Map<String, TableFile> files = new LinkedHashMap<>();
        IOException failure = null;
        for (Map.Entry<String, Open> e : open.entrySet()) {
            try {
                e.getValue().writer().close();
            } catch (IOException x) {
                failure = failure == null ? x : failure;
            }
            files.put(
                    e.getKey(), new TableFile(e.getValue().path(), e.getValue().rows()[0]));
        }
        open.clear();
        if (failure != null) {
            throw new UncheckedIOException("cannot finish a table file of partition " + partition, failure);
        }
        return new Written(partition, attempt, files);
    }

    /** Closes what is open without reporting it (a failed task: the driver removes the files). */
    @Override
    public void close() {
        for (Open file : open.values()) {
            try {
                file.writer().close();
            } catch (IOException | RuntimeException e) {
                // The attempt failed already; its files are never committed.
            }
        }
        open.clear();
    }

    private Open open(String table, StructType schema) {
        String path =
                String.format("%s/%s/%s/part-%05d-%d.snappy.parquet", runDir, table, ATTEMPTS, partition, attempt);
        Configuration tableConf = new Configuration(conf);
        ParquetWriteSupport.setSchema(schema, tableConf);
        tableConf.set("spark.sql.parquet.writeLegacyFormat", "false");
        tableConf.set("spark.sql.parquet.outputTimestampType", "INT96");
        tableConf.set("spark.sql.parquet.fieldId.write.enabled", "true");
        tableConf.set("spark.sql.parquet.variant.annotateLogicalType.enabled", "false");
        try {
            Builder builder = new Builder(HadoopOutputFile.fromPath(new Path(path), tableConf))
                    .withConf(tableConf)
                    .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                    .withCompressionCodec(CompressionCodecName.SNAPPY)
                    .withRowGroupSize((long) ROW_GROUP_BYTES)
                    .withSizeStatisticsEnabled(false);
            for (String column : floatingPointColumns(schema)) {
                builder = builder.withDictionaryEncoding(column, false).withStatisticsEnabled(column, false);
            }
            return new Open(path, builder.build(), new long[1]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + path, e);
        }
    }

    /**
     * Parquet paths of the float and double columns of {@code schema}, inside lists too ({@code
     * a.list.element}). Measured values (entropies, weights, norms) are nearly all distinct: Parquet
     * would build a dictionary for each of these columns, page after page, only to fall back to
     * plain encoding; and it would compare every value with its page's and row group's minimum and
     * maximum, statistics meant for skipping row groups by value, which these columns do not allow
     * (rows follow the samples, so a row group spans nearly the whole range; the ids and indices, by
     * which the rows are ordered, keep theirs).
     */
    public static List<String> floatingPointColumns(StructType schema) {
        List<String> paths = new ArrayList<>();
        for (StructField field : schema.fields()) {
            String path = field.name();
            DataType type = field.dataType();
            while (type instanceof ArrayType array) {
                path += ".list.element";
                type = array.elementType();
            }
            if (type instanceof FloatType || type instanceof DoubleType) {
                paths.add(path);
            }
        }
        return paths;
    }

    private static final class Builder extends ParquetWriter.Builder<InternalRow, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        protected WriteSupport<InternalRow> getWriteSupport(Configuration conf) {
            return new ParquetWriteSupport();
        }
    }
}
