package io.headwise.jobs;

import io.headwise.spark.TaskTableFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's half of {@link TaskTableFiles}: Spark returns one result per partition, from the
 * attempt that succeeded, so the files of exactly those attempts are moved into their tables; the
 * files of failed, killed or speculative attempts stay in {@code _attempts} and go with it. Each
 * table then gets its {@code _SUCCESS} marker, as Spark's commit protocol leaves it.
 */
final class TaskFilesCommit {

    private TaskFilesCommit() {}

    /**
     * Commits {@code tables} under {@code runDir} (a staging directory).
     *
     * @return each table's committed row count
     */
    static Map<String, Long> commit(
            SparkSession spark, String runDir, List<TaskTableFiles.Written> written, Collection<String> tables) {
        Map<String, Long> rows = new LinkedHashMap<>();
        try {
            Path run = new Path(runDir);
            FileSystem fs = run.getFileSystem(Tables.hadoopConf(spark));
            for (String table : tables) {
                Path dir = new Path(run, table);
                fs.mkdirs(dir);
                long count = 0;
                for (TaskTableFiles.Written task : written) {
                    TaskTableFiles.TableFile file = task.files().get(table);
                    if (file == null) {
                        continue;
                    }
                    Path target = new Path(dir, String.format("part-%05d.snappy.parquet", task.partition()));
                    if (!fs.rename(new Path(file.path()), target)) {
                        throw new IOException("cannot move " + file.path() + " to " + target);
                    }
                    count += file.rows();
                }
                fs.delete(new Path(dir, TaskTableFiles.ATTEMPTS), true);
                fs.create(new Path(dir, "_SUCCESS"), true).close();
                rows.put(table, count);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot commit the tables under " + runDir, e);
        }
        return rows;
    }
}
