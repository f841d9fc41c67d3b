package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import io.headwise.spark.TaskTableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * Tables in a run directory ({@code DIR/tokens}, {@code DIR/head_stats}, …) on any Hadoop file
 * system. A table is complete when Spark's commit protocol wrote its {@code _SUCCESS} marker; a
 * directory without it is the remains of a failed run and is never read as a table.
 */
public final class Tables {

    private static final String SUCCESS = "_SUCCESS";

    private Tables() {}

    /** {@code runDir/name}, without doubling a trailing slash. */
    public static String path(String runDir, String name) {
        return runDir.endsWith("/") ? runDir + name : runDir + "/" + name;
    }

    public static boolean isComplete(SparkSession spark, String tableDir) {
        return exists(spark, path(tableDir, SUCCESS));
    }

    public static boolean exists(SparkSession spark, String path) {
        try {
            Path p = new Path(path);
            return p.getFileSystem(hadoopConf(spark)).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Refuses to replace an existing table unless {@code overwrite}.
     *
     * @throws BadInputException naming the table and the option to pass
     */
    public static void checkWritable(SparkSession spark, String runDir, String name, boolean overwrite) {
        String dir = path(runDir, name);
        if (!overwrite && exists(spark, dir)) {
            throw new BadInputException("%s already exists; pass --overwrite to replace it", dir);
        }
    }

    /** Writes {@code rows} as Parquet table {@code name} and returns its row count. */
    public static long write(Dataset<Row> rows, String runDir, String name) {
        String dir = path(runDir, name);
        DataFrameWriter<Row> writer = rows.write().mode(SaveMode.Overwrite);
        for (String column : TaskTableFiles.floatingPointColumns(rows.schema())) {
            writer = writer.option("parquet.enable.dictionary#" + column, "false");
        }
        writer.parquet(dir);
        return committedRows(rows.sparkSession(), dir);
    }

    /**
     * The rows of a table as committed: the sum of its Parquet files' footer row counts, read on the
     * driver (a few kilobytes per file, no Spark job). Counting what was written, not what went in,
     * keeps the manifest right even when a task ran twice. Like Spark's file listing, it skips
     * files and directories whose names start with {@code _} or {@code .} ({@code _SUCCESS},
     * checksums) and descends into the others.
     */
    static long committedRows(SparkSession spark, String tableDir) {
        Path dir = new Path(tableDir);
        Configuration conf = hadoopConf(spark);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            String root = fs.makeQualified(dir).toUri().getPath();
            long rows = 0;
            for (RemoteIterator<LocatedFileStatus> files = fs.listFiles(dir, true); files.hasNext(); ) {
                LocatedFileStatus file = files.next();
                String relative = file.getPath().toUri().getPath().substring(root.length());
                if (!relative.matches("(.*/)?[_.].*")) {
                    try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromStatus(file, conf))) {
                        rows += footer.getRecordCount();
                    }
                }
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot count the rows of " + tableDir, e);
        }
    }

    /**
     * Reads complete table {@code name} of {@code runDir}.
     *
     * @param producer the job that makes the table, named in the message when it is missing
     */
    public static Dataset<Row> read(SparkSession spark, String runDir, String name, String producer) {
        String dir = path(runDir, name);
        if (!isComplete(spark, dir)) {
            throw new BadInputException(
                    "%s: no complete table '%s' (it is written by `headwise %s`)%s",
                    runDir,
                    name,
                    producer,
                    exists(spark, dir) ? "; the directory exists but its run did not finish" : "");
        }
        return spark.read().schema(Schemas.ALL.get(name)).parquet(dir);
    }

    /**
     * Writes {@code rejects} into {@code dir} (a staging directory): the rejected rows the tasks
     * staged in table {@code staged} of {@code dir}, after the rows of {@code out}'s current
     * {@code rejects} that another job wrote. An earlier run of {@code job} is replaced; the other
     * jobs' rows (their reasons start with their own name) stay.
     *
     * @return the rows written
     */
    static long writeRejects(SparkSession spark, String dir, String staged, String out, String job) {
        Dataset<Row> rows = spark.read().schema(Schemas.REJECTS_SCHEMA).parquet(path(dir, staged));
        Dataset<Row> earlier = readIfPresent(spark, out, Schemas.REJECTS);
        if (earlier != null) {
            rows = earlier.where(functions.not(functions.col("reason").startsWith(job + ":")))
                    .unionByName(rows);
        }
        return write(rows, dir, Schemas.REJECTS);
    }

    /** Reads table {@code name} if it is complete, else null. */
    public static Dataset<Row> readIfPresent(SparkSession spark, String runDir, String name) {
        String dir = path(runDir, name);
        return isComplete(spark, dir)
                ? spark.read().schema(Schemas.ALL.get(name)).parquet(dir)
                : null;
    }

    /**
     * {@code --tokens} names a run directory or the {@code tokens} table directory itself; returns
     * the run directory.
     */
    public static String tokensRunDir(SparkSession spark, String tokensOption) {
        String trimmed =
                tokensOption.endsWith("/") ? tokensOption.substring(0, tokensOption.length() - 1) : tokensOption;
        if (isComplete(spark, trimmed) && !exists(spark, path(trimmed, Schemas.TOKENS))) {
            return new Path(trimmed).getParent().toString();
        }
        return trimmed;
    }

    /** The table directories (complete ones) directly under {@code runDir}. */
    public static List<String> list(SparkSession spark, String runDir) {
        List<String> names = new ArrayList<>();
        try {
            Path dir = new Path(runDir);
            FileSystem fs = dir.getFileSystem(hadoopConf(spark));
            if (!fs.exists(dir)) {
                return names;
            }
            for (FileStatus status : fs.listStatus(dir)) {
                if (status.isDirectory() && fs.exists(new Path(status.getPath(), SUCCESS))) {
                    names.add(status.getPath().getName());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        names.sort(String::compareTo);
        return names;
    }

    static Configuration hadoopConf(SparkSession spark) {
        return spark.sessionState().newHadoopConf();
    }
}
