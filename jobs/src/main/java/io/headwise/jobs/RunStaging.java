package io.headwise.jobs;

import io.headwise.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every job that writes tables into a run directory writes them: under the directory's {@link
 * RunLock}, into a hidden directory ({@code DIR/_staging-JOB-MILLIS}; Spark and {@link Tables#list}
 * skip names starting with {@code _}), each table through Spark's commit protocol. {@link #commit}
 * moves them into place only when all are complete; {@link #close} removes whatever is left and
 * releases the lock, so a failed run leaves no table — old or new — that looks like this run's
 * output, and no table is ever a mix of two runs.
 *
 * <p>A driver killed mid-write leaves its staging directory (and its lock) behind. The next job on
 * the directory says what it found, one line each, and removes them: holding the lock, it knows no
 * other job is writing there.
 */
final class RunStaging implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunStaging.class);

    static final String PREFIX = "_staging-";

    private final FileSystem fs;
    private final Path runDir;
    private final Path dir;
    private final RunLock lock;

    private RunStaging(FileSystem fs, Path runDir, Path dir, RunLock lock) {
        this.fs = fs;
        this.runDir = runDir;
        this.dir = dir;
        this.lock = lock;
    }

    /**
     * Locks {@code runDir}, removes what interrupted runs left there, and checks (again, now under
     * the lock) that {@code replaced} may be written.
     *
     * @param replaced the names this job replaces, which need {@code overwrite} when present
     * @throws BadInputException when another job holds the directory, or a table exists without
     *     {@code overwrite}
     */
    static RunStaging create(JobContext context, String runDir, List<String> replaced, boolean overwrite) {
        Path run = new Path(runDir);
        FileSystem fs;
        try {
            fs = run.getFileSystem(Tables.hadoopConf(context.spark()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use run directory " + runDir, e);
        }
        Consumer<String> report = line -> context.print("%s", line);
        RunLock lock = RunLock.acquire(fs, run, context.job(), report);
        try {
            removeLeftovers(fs, run, report);
            for (String name : replaced) {
                Tables.checkWritable(context.spark(), runDir, name, overwrite);
            }
            Path dir = new Path(run, PREFIX + context.job() + "-" + System.currentTimeMillis());
            return new RunStaging(fs, run, dir, lock);
        } catch (IOException e) {
            lock.close();
            throw new UncheckedIOException("cannot use run directory " + runDir, e);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** Removes every staging directory under {@code run}: with the lock held, they are all stale. */
    static void removeLeftovers(FileSystem fs, Path run, Consumer<String> report) throws IOException {
        if (!fs.exists(run)) {
            return;
        }
        for (FileStatus status : fs.listStatus(run)) {
            String name = status.getPath().getName();
            if (status.isDirectory() && name.startsWith(PREFIX)) {
                fs.delete(status.getPath(), true);
                report.accept(String.format(
                        "removed %s, left by an interrupted `headwise %s` run%s",
                        status.getPath(), jobOf(name), startedOf(name)));
            }
        }
    }

    private static String jobOf(String stagingName) {
        String rest = stagingName.substring(PREFIX.length());
        int dash = rest.lastIndexOf('-');
        return dash > 0 ? rest.substring(0, dash) : rest;
    }

    private static String startedOf(String stagingName) {
        try {
            long millis = Long.parseLong(stagingName.substring(stagingName.lastIndexOf('-') + 1));
            return " started " + Instant.ofEpochMilli(millis);
        } catch (NumberFormatException e) {
            return "";
        }
    }

    /** The staging run directory to write the tables into. */
    String dir() {
        return dir.toString();
    }

    /** {@code dir()/name}: where to write a table or file that {@link #commit} moves into place. */
    String path(String name) {
        return Tables.path(dir(), name);
    }

    /** Replaces {@code runDir/name} by the staged one, for each of {@code names} (tables or files). */
    void commit(List<String> names) {
        try {
            for (String name : names) {
                Path target = new Path(runDir, name);
                if (fs.exists(target) && !fs.delete(target, true)) {
                    throw new IOException("cannot delete " + target);
                }
                if (!fs.rename(new Path(dir, name), target)) {
                    throw new IOException("cannot move " + new Path(dir, name) + " to " + target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes the staging directory and releases the lock. */
    @Override
    public void close() {
        try {
            if (fs.exists(dir)) {
                fs.delete(dir, true);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the staging directory {}: {}", dir, e.getMessage());
        } finally {
            lock.close();
        }
    }
}
