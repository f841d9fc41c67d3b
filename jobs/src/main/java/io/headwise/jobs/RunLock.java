package io.headwise.jobs;

import io.headwise.BadInputException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lock a job holds on a run directory while it writes tables there: the file {@code
 * DIR/_lock}, created exclusively, holding its owner (job, process id, host, start time). A second
 * job that finds it refuses with one line naming the owner, so two jobs never write into one run
 * directory at once.
 *
 * <p>Exclusive creation is {@code O_CREAT|O_EXCL} on a local file system and {@code create} without
 * overwrite on HDFS (atomic at the NameNode); on object stores without conditional writes it is best
 * effort. While held, the owner touches the file every {@link #HEARTBEAT} ({@code setTimes}).
 *
 * <p>A lock is stale, and is removed with one line saying so, when its owner is gone: its process
 * no longer runs (or its id now belongs to a process started after the lock), when it is on this
 * host; or, on any host, when it has not been touched for {@link #STALE_AFTER}. A driver killed with
 * {@code kill -9} leaves its lock behind; the next run on the same host removes it at once, one on
 * another host after {@code STALE_AFTER}.
 */
final class RunLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** The lock's name in the run directory (a leading {@code _}: Spark and table listings skip it). */
    static final String NAME = "_lock";

    /** How often the owner touches the lock. */
    static final Duration HEARTBEAT = Duration.ofSeconds(30);

    /** A lock not touched for this long is stale, whatever host holds it. */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);

    private final FileSystem fs;
    private final Path file;
    private final String content;
    private final ScheduledExecutorService heartbeat;

    private RunLock(FileSystem fs, Path file, String content) {
        this.fs = fs;
        this.file = file;
        this.content = content;
        this.heartbeat = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "headwise-run-lock");
            thread.setDaemon(true);
            return thread;
        });
        long period = HEARTBEAT.toMillis();
        heartbeat.scheduleAtFixedRate(this::touch, period, period, TimeUnit.MILLISECONDS);
    }

    /**
     * Takes the lock of {@code runDir} for {@code job}, removing a stale one first.
     *
     * @param report gets one line when a stale lock was removed
     * @throws BadInputException naming the run directory and the owner when another job holds it
     */
    static RunLock acquire(FileSystem fs, Path runDir, String job, Consumer<String> report) {
        return acquire(fs, runDir, job, report, STALE_AFTER);
    }

    static RunLock acquire(FileSystem fs, Path runDir, String job, Consumer<String> report, Duration staleAfter) {
        Path file = new Path(runDir, NAME);
        String content = owner(job);
        try {
            fs.mkdirs(runDir);
            for (int attempt = 0; attempt < 2; attempt++) {
                if (createExclusive(fs, file, content)) {
                    return new RunLock(fs, file, content);
                }
                Optional<String> held = read(fs, file);
                if (held.isEmpty()) {
                    continue; // released meanwhile
                }
                Owner owner = Owner.parse(held.get());
                Optional<String> stale = staleness(fs, file, owner, staleAfter);
                if (stale.isEmpty()) {
                    throw new BadInputException(
                            "%s is in use by %s; wait for it to end (if it is gone, delete %s)", runDir, owner, file);
                }
                // Only if it is still the stale one: another job may have replaced it meanwhile.
                if (read(fs, file).equals(held)) {
                    fs.delete(file, false);
                    report.accept(String.format("removed the stale lock %s of %s: %s", file, owner, stale.get()));
                }
            }
            throw new BadInputException("%s: another job took its lock at the same moment; run again", runDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock run directory " + runDir, e);
        }
    }

    /** Why the lock of {@code owner} is stale, or empty when its owner may still be running. */
    private static Optional<String> staleness(FileSystem fs, Path file, Owner owner, Duration staleAfter)
            throws IOException {
        if (owner.host().equals(hostName()) && owner.pid() > 0) {
            Optional<ProcessHandle> process = ProcessHandle.of(owner.pid());
            if (process.isEmpty() || !process.get().isAlive()) {
                return Optional.of("process " + owner.pid() + " is gone");
            }
            Optional<Instant> processStart = process.get().info().startInstant();
            if (processStart.isPresent()
                    && owner.started() != null
                    && processStart.get().isAfter(owner.started().plusSeconds(1))) {
                return Optional.of("process " + owner.pid() + " is gone (its id now belongs to a newer process)");
            }
        }
        long touched = fs.getFileStatus(file).getModificationTime();
        Duration idle = Duration.ofMillis(System.currentTimeMillis() - touched);
        if (idle.compareTo(staleAfter) > 0) {
            return Optional.of("not touched for " + idle.toMinutes() + " min");
        }
        return Optional.empty();
    }

    private static boolean createExclusive(FileSystem fs, Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (fs instanceof LocalFileSystem || fs instanceof RawLocalFileSystem) {
            java.nio.file.Path local =
                    java.nio.file.Path.of(fs.makeQualified(file).toUri());
            try {
                Files.write(local, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(file, false)) {
            out.write(bytes);
            return true;
        } catch (IOException e) {
            // HDFS: FileAlreadyExistsException, or AlreadyBeingCreatedException while another creates it.
            if (fs.exists(file)) {
                return false;
            }
            throw e;
        }
    }

    private static Optional<String> read(FileSystem fs, Path file) throws IOException {
        try (InputStream in = fs.open(file)) {
            return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (java.io.FileNotFoundException e) {
            return Optional.empty();
        }
    }

    private void touch() {
        try {
            fs.setTimes(file, System.currentTimeMillis(), -1);
        } catch (IOException e) {
            LOG.warn("could not touch the run lock {}: {}", file, e.getMessage());
        }
    }

    /** Removes the lock if it is still this one's. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            if (read(fs, file).filter(content::equals).isPresent()) {
                fs.delete(file, false);
            }
        } catch (IOException e) {
            LOG.warn("could not remove the run lock {}: {}", file, e.getMessage());
        }
    }

    private static String owner(String job) {
        Properties p = new Properties();
        p.setProperty("job", job);
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("host", hostName());
        p.setProperty("started", Instant.now().toString());
        StringWriter out = new StringWriter();
        try {
            p.store(out, "headwise run directory lock");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown";
        }
    }

    /** Who holds a lock, as far as its file says (fields missing from a damaged file are empty). */
    record Owner(String job, long pid, String host, Instant started) {

        static Owner parse(String content) {
            Properties p = new Properties();
            try {
                p.load(new ByteArrayInputStream(content.getBytes(StandardCharsets.UTF_8)));
            } catch (IOException | IllegalArgumentException e) {
                return new Owner("?", -1, "?", null);
            }
            long pid;
            Instant started;
            try {
                pid = Long.parseLong(p.getProperty("pid", "-1"));
            } catch (NumberFormatException e) {
                pid = -1;
            }
            try {
                started = Instant.parse(p.getProperty("started", ""));
            } catch (RuntimeException e) {
                started = null;
            }
            return new Owner(p.getProperty("job", "?"), pid, p.getProperty("host", "?"), started);
        }

        @Override
        public String toString() {
            if (pid < 0) {
                return "another job (its lock file is being written, or is not one of ours)";
            }
            return String.format(
                    "`headwise %s` (pid %d on %s, since %s)", job, pid, host, started == null ? "?" : started);
        }
    }
}
