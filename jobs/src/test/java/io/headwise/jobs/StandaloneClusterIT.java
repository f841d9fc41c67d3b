package io.headwise.jobs;

import static io.headwise.testing.ExtractFixtures.NAMES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.SameTables;
import io.headwise.testing.SparkTestSession;
import io.headwise.testing.StandaloneCluster;
import io.headwise.tokenize.CharTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs on a Spark standalone cluster of separate JVMs (a master, two workers, each worker's
 * executor, the driver started by {@code SparkSubmit} with the cluster jar), on loopback:
 *
 * <ul>
 *   <li>{@code tokenize → extract → probe → summarize} on names write the same tables as on
 *       {@code local[2]};
 *   <li>a worker killed with SIGKILL, executor and all, while {@code extract} runs: the job
 *       finishes on the surviving worker and its tables equal an undisturbed run's, no row lost or
 *       written twice.
 * </ul>
 *
 * <p>The cluster jar is built by {@code package}, before Failsafe runs; DEVELOPERS.md says how the
 * cluster is started.
 */
class StandaloneClusterIT {

    /** Floating-point values of the two runs agree to this (relative above 1). */
    private static final double TOLERANCE = 1e-6;

    private static final int PARTITIONS = 12;

    private static final Duration JOB_TIMEOUT = Duration.ofSeconds(400);

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 1200, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void pipelineWritesTheSameTablesAsLocal() throws IOException {
        List<String> names = ExtractFixtures.allNames().subList(0, 1000);
        Path input = Files.write(tmp.resolve("names-1000.txt"), names);
        CharTokenizer tokenizer = ExtractFixtures.namesTokenizer();
        Path model = ExtractFixtures.randomModel(tmp.resolve("model"), NAMES_CONFIG, tokenizer.toTokenizerJson(), 11);
        String local = tmp.resolve("local").toString();
        String onCluster = tmp.resolve("cluster").toString();

        for (String[] job : NamesPipeline.jobs(input.toString(), model.toString(), model, local)) {
            CliRun run = CliRun.of(job);
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        try (StandaloneCluster cluster = StandaloneCluster.start("pipeline", 2)) {
            for (String[] job : NamesPipeline.jobs(input.toString(), model.toString(), model, onCluster)) {
                StandaloneCluster.Submitted run = cluster.submit(job);
                assertThat(run.waitFor(JOB_TIMEOUT)).as(run.log()).isZero();
            }
            // The tasks ran on both workers' executors, not in the driver.
            for (int i = 0; i < 2; i++) {
                assertThat(cluster.executorLogs(i))
                        .as("worker %d's executor log", i)
                        .contains("extract partition:");
            }
        }

        SparkSession spark = SparkTestSession.get();
        List<String> tables = NamesPipeline.tables(spark, local);
        assertThat(tables).contains(Schemas.TOKENS, Schemas.HEAD_STATS, Schemas.HEAD_PROBES, Schemas.HEAD_SUMMARY);
        assertThat(NamesPipeline.tables(spark, onCluster)).isEqualTo(tables);
        SameTables.assertSame(spark, local, onCluster, tables, TOLERANCE);
        assertThat(Tables.read(spark, onCluster, Schemas.HEAD_STATS, "extract").count())
                .isEqualTo(names.size() * 4L);
    }

    @Test
    @Timeout(value = 1200, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void workerKilledDuringExtractChangesNothing() {
        SparkSession spark = SparkTestSession.get();
        CharTokenizer tokenizer = ExtractFixtures.namesTokenizer();
        List<String> names = ExtractFixtures.allNames().subList(0, 1200);
        Path model = ExtractFixtures.randomModel(tmp.resolve("model"), NAMES_CONFIG, tokenizer.toTokenizerJson(), 5);
        // 12 files, one extract task each (Spark would pack small files into one task per core):
        // when the first task has ended, most of the job is still ahead.
        Path tokens = ExtractFixtures.writeTokens(
                spark,
                tmp.resolve("tokens"),
                ExtractFixtures.nameRows(tokenizer, names),
                tokenizer.toTokenizerJson(),
                PARTITIONS);
        String undisturbed = tmp.resolve("undisturbed").toString();
        String disturbed = tmp.resolve("disturbed").toString();

        CliRun run = CliRun.of(extract(model, tokens, undisturbed));
        assertThat(run.exitCode()).as(run.err()).isZero();
        try (StandaloneCluster cluster = StandaloneCluster.start("worker-killed", 2)) {
            StandaloneCluster.Submitted job = cluster.submit(
                    Map.of("spark.sql.files.minPartitionNum", Integer.toString(PARTITIONS)),
                    extract(model, tokens, disturbed));
            int killed = awaitFinishedPartition(cluster, job);
            cluster.killWorker(killed);
            assertThat(job.process().isAlive())
                    .as("extract was still running when worker %d was killed", killed)
                    .isTrue();
            assertThat(job.waitFor(JOB_TIMEOUT)).as(job.log()).isZero();
            assertThat(cluster.executorLogs(1 - killed))
                    .as("the surviving worker's executor")
                    .contains("extract partition:");
        }

        List<String> tables = NamesPipeline.tables(spark, undisturbed);
        assertThat(NamesPipeline.tables(spark, disturbed)).isEqualTo(tables);
        SameTables.assertSame(spark, undisturbed, disturbed, tables, TOLERANCE);
        var headStats = Tables.read(spark, disturbed, Schemas.HEAD_STATS, "extract");
        assertThat(headStats.count()).isEqualTo(names.size() * 4L);
        assertThat(headStats.select("sample_id", "layer", "head").distinct().count())
                .isEqualTo(names.size() * 4L);
    }

    /**
     * Waits until an executor has finished an extract partition and returns its worker, the one
     * to kill; fails if the job ends first.
     */
    private static int awaitFinishedPartition(StandaloneCluster cluster, StandaloneCluster.Submitted job) {
        long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
        while (job.process().isAlive() && System.nanoTime() < deadline) {
            for (int i = 0; i < 2; i++) {
                if (cluster.executorLogs(i).contains("extract partition:")) {
                    return i;
                }
            }
            sleepMillis(50);
        }
        throw new AssertionError("no executor finished an extract partition while the job ran; its log:\n" + job.log());
    }

    private static String[] extract(Path model, Path tokens, String out) {
        return new String[] {
            "extract",
            "--model",
            model.toString(),
            "--tokens",
            tokens.toString(),
            "--out",
            out,
            "--patterns",
            "0.3",
            "--batch-size",
            "16"
        };
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
