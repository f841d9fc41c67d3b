package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run directory lock and the removal of interrupted runs' staging directories, on the local file system. */
class RunLockTest {

    @TempDir
    Path tmp;

    private final List<String> reported = new ArrayList<>();

    private static FileSystem local() throws IOException {
        return FileSystem.getLocal(new Configuration());
    }

    private org.apache.hadoop.fs.Path run() {
        return new org.apache.hadoop.fs.Path(tmp.toUri());
    }

    private String at(String name) {
        return new org.apache.hadoop.fs.Path(run(), name).toString();
    }

    @Test
    void aSecondJobIsRefusedWithOneLineNamingTheOwnerUntilTheFirstReleases() throws IOException {
        long pid = ProcessHandle.current().pid();
        try (RunLock held = RunLock.acquire(local(), run(), "extract", reported::add)) {
            String content = Files.readString(tmp.resolve(RunLock.NAME));
            assertThat(content).contains("job=extract", "pid=" + pid, "host=" + RunLock.hostName());
            assertThatThrownBy(() -> RunLock.acquire(local(), run(), "summarize", reported::add))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith(run() + " is in use by `headwise extract` (pid " + pid + " on "
                            + RunLock.hostName() + ", since ")
                    .hasMessageEndingWith("wait for it to end (if it is gone, delete " + at(RunLock.NAME) + ")")
                    .hasMessageNotContaining("\n");
        }
        assertThat(tmp.resolve(RunLock.NAME)).doesNotExist();
        try (RunLock again = RunLock.acquire(local(), run(), "summarize", reported::add)) {
            assertThat(Files.readString(tmp.resolve(RunLock.NAME))).contains("job=summarize");
        }
        assertThat(reported).isEmpty();
    }

    @Test
    void theLockOfAProcessThatIsGoneIsRemovedWithOneLine() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Files.writeString(
                tmp.resolve(RunLock.NAME),
                "job=extract\npid=" + gone.pid() + "\nhost=" + RunLock.hostName() + "\nstarted=" + Instant.now()
                        + "\n");
        try (RunLock lock = RunLock.acquire(local(), run(), "summarize", reported::add)) {
            assertThat(Files.readString(tmp.resolve(RunLock.NAME))).contains("job=summarize");
        }
        assertThat(reported)
                .singleElement()
                .asString()
                .startsWith("removed the stale lock " + at(RunLock.NAME) + " of `headwise extract` (pid " + gone.pid())
                .endsWith(": process " + gone.pid() + " is gone");
    }

    @Test
    void aLockFromAnotherHostIsStaleOnlyOnceNobodyHasTouchedItForTheTimeout() throws IOException {
        Path file = tmp.resolve(RunLock.NAME);
        Files.writeString(file, "job=extract\npid=12345\nhost=elsewhere.example\nstarted=2026-01-01T00:00:00Z\n");
        assertThatThrownBy(() -> RunLock.acquire(local(), run(), "probe", reported::add, Duration.ofMinutes(10)))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("in use by `headwise extract` (pid 12345 on elsewhere.example");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(Duration.ofMinutes(11))));
        try (RunLock lock = RunLock.acquire(local(), run(), "probe", reported::add, Duration.ofMinutes(10))) {
            assertThat(reported).singleElement().asString().endsWith(": not touched for 11 min");
        }
    }

    @Test
    void aLockWhosePidNowBelongsToANewerProcessIsStale() throws IOException {
        // This JVM's pid, recorded as if by a run that started a day before this JVM did.
        Instant before =
                ProcessHandle.current().info().startInstant().orElseThrow().minus(Duration.ofDays(1));
        Files.writeString(
                tmp.resolve(RunLock.NAME),
                "job=tokenize\npid=" + ProcessHandle.current().pid() + "\nhost=" + RunLock.hostName() + "\nstarted="
                        + before + "\n");
        try (RunLock lock = RunLock.acquire(local(), run(), "tokenize", reported::add)) {
            assertThat(reported).singleElement().asString().endsWith("(its id now belongs to a newer process)");
        }
    }

    @Test
    void ofManyJobsRacingForOneDirectoryExactlyOneGetsIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            for (int round = 0; round < 20; round++) {
                org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(run(), "run-" + round);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<RunLock>> racers = new ArrayList<>();
                for (int t = 0; t < 6; t++) {
                    racers.add(pool.submit(() -> {
                        start.await();
                        try {
                            return RunLock.acquire(local(), dir, "extract", reported::add);
                        } catch (BadInputException e) {
                            // the winner's, or one still being written by it
                            assertThat(e.getMessage()).containsPattern("is in use by (`headwise extract`|another job)");
                            return null;
                        }
                    }));
                }
                start.countDown();
                List<RunLock> winners = new ArrayList<>();
                for (Future<RunLock> racer : racers) {
                    RunLock lock = racer.get(30, TimeUnit.SECONDS);
                    if (lock != null) {
                        winners.add(lock);
                    }
                }
                assertThat(winners).as("round %d", round).hasSize(1);
                winners.get(0).close();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(reported).isEmpty();
    }

    @Test
    void stagingDirectoriesOfInterruptedRunsAreReportedAndRemoved() throws IOException {
        Path left = tmp.resolve("_staging-extract-1765100000000/head_stats");
        Files.createDirectories(left);
        Files.writeString(left.resolve("part-00000.parquet"), "half a file");
        Files.createDirectories(tmp.resolve("_staging-summarize-x"));
        Files.createDirectories(tmp.resolve("head_stats"));
        RunStaging.removeLeftovers(local(), run(), reported::add);
        assertThat(reported)
                .containsExactlyInAnyOrder(
                        "removed " + at("_staging-extract-1765100000000")
                                + ", left by an interrupted `headwise extract` run started 2025-12-07T09:33:20Z",
                        "removed " + at("_staging-summarize-x") + ", left by an interrupted `headwise summarize` run");
        assertThat(tmp.resolve("_staging-extract-1765100000000")).doesNotExist();
        assertThat(tmp.resolve("_staging-summarize-x")).doesNotExist();
        assertThat(tmp.resolve("head_stats")).isDirectory();
    }
}
