package io.headwise.jobs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hidden directory under a run directory ({@code DIR/_staging-JOB-MILLIS}; Spark and {@link
 * Tables#list} skip names starting with {@code _}) where a job that writes several tables writes
 * them all, each through Spark's commit protocol. {@link #commit} moves them into place only when
 * all are complete; {@link #close} removes whatever is left, so a failed run leaves no table — old
 * or new — that looks like this run's output.
 */
final class RunStaging implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunStaging.class);

    private final FileSystem fs;
    private final Path runDir;
    private final Path dir;

    private RunStaging(FileSystem fs, Path runDir, Path dir) {
        this.fs = fs;
        this.runDir = runDir;
        this.dir = dir;
    }

    static RunStaging create(SparkSession spark, String runDir, String job) {
        Path run = new Path(runDir);
        try {
            FileSystem fs = run.getFileSystem(Tables.hadoopConf(spark));
            return new RunStaging(fs, run, new Path(run, "_staging-" + job + "-" + System.currentTimeMillis()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use run directory " + runDir, e);
        }
    }

    /** The staging run directory to write the tables into. */
    String dir() {
        return dir.toString();
    }

    /** Replaces {@code runDir/table} by the staged table, for each of {@code tables}. */
    void commit(List<String> tables) {
        try {
            for (String table : tables) {
                Path target = new Path(runDir, table);
                if (fs.exists(target) && !fs.delete(target, true)) {
                    throw new IOException("cannot delete " + target);
                }
                if (!fs.rename(new Path(dir, table), target)) {
                    throw new IOException("cannot move " + new Path(dir, table) + " to " + target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the staging directory {}: {}", dir, e.getMessage());
        }
    }
}
