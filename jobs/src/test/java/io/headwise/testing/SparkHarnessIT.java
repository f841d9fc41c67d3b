package io.headwise.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.jobs.Sessions;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The two test sessions start, run jobs and stop. */
class SparkHarnessIT {

    @Test
    void sharedLocalSessionRunsADatasetJob() {
        SparkSession spark = SparkTestSession.get();

        Dataset<String> names = spark.createDataset(List.of("emma", "olivia", "ava", "emma"), Encoders.STRING());
        List<Row> counts = names.groupBy("value").count().orderBy("value").collectAsList();

        assertThat(counts)
                .extracting(row -> row.getString(0) + "=" + row.getLong(1))
                .containsExactly("ava=1", "emma=2", "olivia=1");
        assertThat(spark.sparkContext().master()).isEqualTo("local[2]");
        assertThat(spark.conf().get("spark.sql.ansi.enabled")).isEqualTo("true");
        assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("4");
        assertThat(spark.conf().get("spark.driver.host")).isEqualTo("127.0.0.1");
        assertThat(spark.sparkContext().uiWebUrl().isEmpty()).isTrue();
        assertThat(SparkTestSession.get()).isSameAs(spark);
    }

    @Test
    void localClusterRunsTasksOnTwoExecutorJvms() {
        List<String> seen;
        SparkSession spark;
        try (LocalClusterSession cluster = LocalClusterSession.start()) {
            spark = cluster.spark();
            seen = spark.range(0, 4, 1, 4)
                    .mapPartitions(
                            (MapPartitionsFunction<Long, String>) SparkHarnessIT::describeExecutor, Encoders.STRING())
                    .collectAsList();
        }

        assertThat(seen).hasSize(4);
        Set<String> executorIds = seen.stream().map(s -> s.split(" ")[0]).collect(Collectors.toSet());
        Set<String> pids = seen.stream().map(s -> s.split(" ")[1]).collect(Collectors.toSet());
        assertThat(executorIds).hasSize(2).doesNotContain("driver");
        assertThat(pids)
                .hasSize(2)
                .doesNotContain(String.valueOf(ProcessHandle.current().pid()));
        assertThat(seen).allSatisfy(s -> assertThat(s).endsWith(" ai.djl.ndarray.NDManager"));

        assertThat(spark.sparkContext().isStopped()).isTrue();
        assertThat(SparkSession.getActiveSession().isEmpty()).isTrue();
        for (String pid : pids) {
            assertThat(exitsWithin(Long.parseLong(pid), Duration.ofSeconds(30)))
                    .as("executor JVM %s stopped", pid)
                    .isTrue();
        }
    }

    @Test
    void sharedLocalSessionStartsAgainAfterStop() {
        SparkSession first = SparkTestSession.get();
        SparkTestSession.stop();

        assertThat(first.sparkContext().isStopped()).isTrue();
        assertThat(SparkTestSession.get().range(3).count()).isEqualTo(3);
    }

    /** What the CLI's main does before System.exit: stop the session, or nothing without one. */
    @Test
    void stopOnExitStopsTheRunningSessionAndNothingElse() {
        SparkSession running = SparkTestSession.get();
        Sessions.stopOnExit();
        assertThat(running.sparkContext().isStopped()).isTrue();

        Sessions.stopOnExit();
        assertThat(SparkTestSession.get().range(3).count()).isEqualTo(3);
    }

    private static boolean exitsWithin(long pid, Duration timeout) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty()) {
            return true;
        }
        try {
            process.get().onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs on an executor: its id, its JVM's process id, and a DJL class it can load. */
    private static Iterator<String> describeExecutor(Iterator<Long> rows) throws Exception {
        String djlClass = Class.forName("ai.djl.ndarray.NDManager").getName();
        return List.of(SparkEnv.get().executorId()
                        + " "
                        + ProcessHandle.current().pid()
                        + " "
                        + djlClass)
                .iterator();
    }
}
