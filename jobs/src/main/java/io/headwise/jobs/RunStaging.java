package io.headwise.jobs;

import io.headwise.BadInputException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
 * other job is writing there. A driver killed while it moves its finished tables into place (the
 * {@link #COMMITTING} list in its staging directory says which) leaves a commit half done: the next
 * job completes it, so the directory holds all of that run's tables, never some of them beside
 * older ones.
 */
final class RunStaging implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunStaging.class);

    static final String PREFIX = "_staging-";

    /**
     * In a staging directory: the names its {@link #commit} moves into place, one per line, written
     * before the first move; a staging directory that has it holds only finished tables.
     */
    static final String COMMITTING = "_COMMITTING";

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
                if (fs.exists(new Path(status.getPath(), COMMITTING))) {
                    int moved = finishCommit(fs, run, status.getPath());
                    report.accept(String.format(
                            "completed the interrupted commit of `headwise %s`%s: moved its last %d table(s) into"
                                    + " place (its run_manifest row is missing)",
                            jobOf(name), startedOf(name), moved));
                    fs.delete(status.getPath(), true);
                    continue;
                }
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

    /**
     * Replaces {@code runDir/name} by the staged one, for each of {@code names} (tables or files),
     * after recording {@code names} in {@link #COMMITTING} so that a commit cut short can be
     * completed.
     */
    void commit(List<String> names) {
        try {
            writeCommitting(fs, dir, names);
            for (String name : names) {
                move(fs, new Path(dir, name), new Path(runDir, name));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code staging/}{@link #COMMITTING}: to a temporary name first, so it is whole or absent. */
    static void writeCommitting(FileSystem fs, Path staging, List<String> names) throws IOException {
        Path partial = new Path(staging, COMMITTING + ".tmp");
        try (var out = fs.create(partial, true)) {
            out.write((String.join("\n", names) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Path done = new Path(staging, COMMITTING);
        if (fs.exists(done)) {
            fs.delete(done, false);
        }
        if (!fs.rename(partial, done)) {
            throw new IOException("cannot move " + partial + " to " + done);
        }
    }

    /**
     * Moves into place what an interrupted commit of {@code staging} had not moved yet.
     *
     * @return how many names it moved
     */
    static int finishCommit(FileSystem fs, Path run, Path staging) throws IOException {
        List<String> names = new ArrayList<>();
        try (var in = fs.open(new Path(staging, COMMITTING))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    names.add(line.strip());
                }
            }
        }
        int moved = 0;
        for (String name : names) {
            Path staged = new Path(staging, name);
            if (fs.exists(staged)) {
                move(fs, staged, new Path(run, name));
                moved++;
            }
        }
        return moved;
    }

    private static void move(FileSystem fs, Path from, Path to) throws IOException {
        if (fs.exists(to) && !fs.delete(to, true)) {
            throw new IOException("cannot delete " + to);
        }
        if (!fs.rename(from, to)) {
            throw new IOException("cannot move " + from + " to " + to);
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
