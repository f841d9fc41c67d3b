package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run directory shared by jobs: what a killed driver leaves behind is reported and removed by the
 * next run, a directory in use is refused with one line, and two jobs started at once never both
 * write. {@code summarize} on hand-made tables stands for every job that writes tables: they all
 * go through {@link RunStaging}.
 */
class RunDirectoryIT {

    @TempDir
    Path dir;

    private SparkSession tables() {
        SparkSession spark = SparkTestSession.get();
        HandMadeTables.all(spark, dir);
        HandMadeTables.manifest(spark, dir, "extract", "/models/names", "{\"n_layer\": 2, \"n_head\": 2}");
        return spark;
    }

    private long summarizeRows(SparkSession spark) {
        return spark.read()
                .parquet(dir.resolve(Schemas.RUN_MANIFEST).toString())
                .where("job = 'summarize'")
                .count();
    }

    private List<String> hidden() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith("_staging-") || name.equals(RunLock.NAME))
                    .toList();
        }
    }

    @Test
    void whatAKilledDriverLeftIsReportedInOneLineEachAndRemoved() throws Exception {
        SparkSession spark = tables();
        // What `kill -9` during extract's write leaves: its lock and a half-written staging directory.
        Process gone = new ProcessBuilder("true").start();
        assertThat(gone.waitFor(10, TimeUnit.SECONDS)).isTrue();
        Files.writeString(
                dir.resolve(RunLock.NAME),
                "job=extract\npid=" + gone.pid() + "\nhost=" + RunLock.hostName() + "\nstarted=" + Instant.now()
                        + "\n");
        Path staging = dir.resolve("_staging-extract-1765100000000");
        Files.createDirectories(staging.resolve("head_stats"));
        Files.writeString(staging.resolve("head_stats/part-00000.parquet"), "cut short");

        CliRun run = CliRun.of("summarize", "--tables", dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> removed =
                run.out().lines().filter(line -> line.startsWith("removed ")).toList();
        assertThat(removed).hasSize(2);
        assertThat(removed.get(0))
                .startsWith("removed the stale lock ")
                .contains(dir.resolve(RunLock.NAME) + " of `headwise extract` (pid " + gone.pid() + " on ")
                .endsWith(": process " + gone.pid() + " is gone");
        assertThat(removed.get(1))
                .startsWith("removed ")
                .endsWith(staging + ", left by an interrupted `headwise extract` run started 2025-12-07T09:33:20Z");
        assertThat(hidden()).isEmpty();
        assertThat(Tables.isComplete(spark, dir.resolve(Schemas.HEAD_SUMMARY).toString()))
                .isTrue();
        assertThat(summarizeRows(spark)).isOne();
    }

    @Test
    void aDirectoryInUseIsRefusedInOneLineAndLeftAsItWas() throws Exception {
        SparkSession spark = tables();
        assertThat(CliRun.of("summarize", "--tables", dir.toString()).exitCode())
                .isZero();
        Path summary = dir.resolve(Schemas.HEAD_SUMMARY);
        List<String> before = listing(summary);

        try (RunLock held = RunLock.acquire(
                FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(dir.toUri()),
                "extract",
                line -> {})) {
            CliRun refused = CliRun.of("summarize", "--tables", dir.toString(), "--overwrite");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err().strip())
                    .doesNotContain("\n")
                    .startsWith("headwise summarize: ")
                    .contains(" is in use by `headwise extract` (pid "
                            + ProcessHandle.current().pid());
            assertThat(listing(summary)).isEqualTo(before);
            assertThat(summarizeRows(spark)).isOne();
        }
        CliRun after = CliRun.of("summarize", "--tables", dir.toString(), "--overwrite");
        assertThat(after.exitCode()).as(after.err()).isZero();
        assertThat(listing(summary)).isNotEqualTo(before);
        assertThat(summarizeRows(spark)).isEqualTo(2);
        assertThat(hidden()).isEmpty();
    }

    /**
     * Started together, the two runs either overlap — one refuses — or follow each other; either
     * way every run that reports success has its manifest row and the table is one run's whole
     * output.
     */
    @Test
    void twoJobsStartedTogetherNeverBothWrite() throws Exception {
        SparkSession spark = tables();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<CliRun> runs = new ArrayList<>();
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<CliRun>> futures = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    return CliRun.of("summarize", "--tables", dir.toString(), "--overwrite");
                }));
            }
            start.countDown();
            for (Future<CliRun> future : futures) {
                runs.add(future.get(300, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        long succeeded = runs.stream().filter(r -> r.exitCode() == 0).count();
        assertThat(succeeded).as(runs.toString()).isPositive();
        for (CliRun run : runs) {
            if (run.exitCode() != 0) {
                assertThat(run.exitCode()).isEqualTo(2);
                assertThat(run.err().strip()).doesNotContain("\n").contains(" is in use by ");
            }
        }
        assertThat(summarizeRows(spark)).isEqualTo(succeeded);
        assertThat(spark.read()
                        .parquet(dir.resolve(Schemas.HEAD_SUMMARY).toString())
                        .count())
                .isEqualTo(HandMadeTables.N_LAYER * HandMadeTables.N_HEAD);
        assertThat(hidden()).isEmpty();
    }

    private static List<String> listing(Path table) throws IOException {
        try (Stream<Path> files = Files.list(table)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
