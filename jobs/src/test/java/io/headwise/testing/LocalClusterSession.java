package io.headwise.testing;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code local-cluster[2,1,1024]} session: a master and two workers inside this JVM, each
 * worker running one executor in its own JVM (1 core, 1024 MB). Use it for tests that must see
 * code cross a JVM boundary; everything else uses {@link SparkTestSession}.
 *
 * <pre>{@code
 * try (LocalClusterSession cluster = LocalClusterSession.start()) {
 *   SparkSession spark = cluster.spark();
 *   ...
 * }
 * }</pre>
 *
 * <p>A worker builds its executor's command line the way a Spark distribution does: class path
 * {@code $SPARK_HOME/jars/*}, Scala version from {@code SPARK_SCALA_VERSION}. Tests have no
 * distribution, so {@link #start()} makes a stand-in under {@code target/spark-home}: a
 * {@code RELEASE} file and {@code jars/} with a symbolic link to every jar on the test class
 * path; the class directories on it (test and main classes) go to
 * {@code spark.executor.extraClassPath}. The worker reads {@code SPARK_HOME} and
 * {@code SPARK_SCALA_VERSION} from the process environment, which Java cannot change, so
 * Failsafe sets them (jobs/pom.xml).
 *
 * <p>Spark runs one context per JVM: starting a cluster stops {@link SparkTestSession}'s
 * session, and {@link #close()} stops the cluster.
 */
public final class LocalClusterSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterSession.class);

    static final int EXECUTORS = 2;
    static final String MASTER = "local-cluster[" + EXECUTORS + ",1,1024]";
    /** Set by Failsafe (jobs/pom.xml): Spark's Java 17 flags and -Dai.djl.offline=true. */
    static final String EXECUTOR_JAVA_OPTIONS = "headwise.test.executorJavaOptions";

    private static final Duration EXECUTORS_TIMEOUT = Duration.ofSeconds(120);

    private final SparkSession spark;

    private LocalClusterSession(SparkSession spark) {
        this.spark = spark;
    }

    /** Starts the cluster and returns once both executors have registered. */
    public static LocalClusterSession start() {
        long started = System.nanoTime();
        Path sparkHome = sparkHomeFromEnvironment();
        String javaOptions = System.getProperty(EXECUTOR_JAVA_OPTIONS);
        if (javaOptions == null || javaOptions.isBlank()) {
            throw new IllegalStateException(String.format(
                    "system property %s is not set; run through Failsafe (jobs/pom.xml sets it)",
                    EXECUTOR_JAVA_OPTIONS));
        }
        List<Path> classPath = TestEnvironment.classPath();
        FakeSparkHome.create(sparkHome, classPath);
        String classDirectories = classPath.stream()
                .filter(Files::isDirectory)
                .map(Path::toString)
                .collect(Collectors.joining(File.pathSeparator));

        SparkTestSession.stop();
        SparkSession spark = SparkSession.builder()
                .master(MASTER)
                .appName("headwise-it-cluster")
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                .config("spark.driver.host", "127.0.0.1")
                .config("spark.driver.bindAddress", "127.0.0.1")
                .config("spark.executorEnv.SPARK_LOCAL_IP", "127.0.0.1")
                .config("spark.executor.extraJavaOptions", javaOptions)
                .config("spark.executor.extraClassPath", classDirectories)
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.ansi.enabled", "true")
                .config("spark.sql.session.timeZone", "UTC")
                .config(
                        "spark.sql.warehouse.dir",
                        TestEnvironment.buildDir().resolve("spark-warehouse").toString())
                .getOrCreate();
        LocalClusterSession cluster = new LocalClusterSession(spark);
        try {
            cluster.awaitExecutors();
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        LOG.info(
                "{} SparkSession with {} executors started in {} ms",
                MASTER,
                EXECUTORS,
                (System.nanoTime() - started) / 1_000_000);
        return cluster;
    }

    public SparkSession spark() {
        return spark;
    }

    /** Stops the cluster: the driver, the in-process master and workers, the executor JVMs. */
    @Override
    public void close() {
        spark.stop();
        SparkSession.clearActiveSession();
        SparkSession.clearDefaultSession();
    }

    /**
     * Executors register a few seconds after the context starts; a job submitted earlier would
     * run all its tasks on whichever executor came first.
     */
    private void awaitExecutors() {
        long deadline = System.nanoTime() + EXECUTORS_TIMEOUT.toNanos();
        while (registeredExecutors() < EXECUTORS) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format(
                        "only %d of %d executors registered within %s; see the executor logs under" + " %s/work",
                        registeredExecutors(), EXECUTORS, EXECUTORS_TIMEOUT, System.getenv("SPARK_HOME")));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for executors", e);
            }
        }
    }

    /** Executors other than the driver, which the status tracker lists too. */
    private int registeredExecutors() {
        return spark.sparkContext().statusTracker().getExecutorInfos().length - 1;
    }

    private static Path sparkHomeFromEnvironment() {
        String sparkHome = System.getenv("SPARK_HOME");
        String scalaVersion = System.getenv("SPARK_SCALA_VERSION");
        if (sparkHome == null || sparkHome.isBlank() || !"2.13".equals(scalaVersion)) {
            throw new IllegalStateException(String.format(
                    "%s needs SPARK_HOME (a writable directory, e.g. target/spark-home) and"
                            + " SPARK_SCALA_VERSION=2.13 in the environment; got SPARK_HOME=%s,"
                            + " SPARK_SCALA_VERSION=%s. Failsafe sets both (jobs/pom.xml).",
                    MASTER, sparkHome, scalaVersion));
        }
        return Path.of(sparkHome).toAbsolutePath();
    }
}
