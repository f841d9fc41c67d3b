package io.headwise.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A Spark standalone cluster of separate JVMs on loopback: one {@code Master} and N {@code
 * Worker}s (1 core, 1 GB each), started from the build's Spark jars, and jobs submitted to it
 * through {@code SparkSubmit} in a JVM of their own with the cluster jar, as on a real cluster.
 *
 * <pre>{@code
 * try (StandaloneCluster cluster = StandaloneCluster.start("pipeline", 2)) {
 *   StandaloneCluster.Submitted run = cluster.submit("extract", "--model", ...);
 *   assertThat(run.waitFor(Duration.ofMinutes(2))).as(run.log()).isZero();
 * }
 * }</pre>
 *
 * <p>Every JVM listens on an ephemeral port of 127.0.0.1: the master's port is read from its log.
 * The JVMs' class path is the test class path without our own code, DJL and picocli, so that the
 * driver and the executors get those from the cluster jar alone. Workers launch executors from
 * {@code SPARK_HOME/jars} (a {@link FakeSparkHome} of the same jars). {@link #close()} ends every
 * process started, executors included, by its id.
 */
public final class StandaloneCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://[0-9.]+:[0-9]+)");

    private final Path dir;
    private final Path sparkHome;
    private final List<Path> sparkClassPath;
    private final List<Process> processes = new ArrayList<>();
    private final List<Process> workers = new ArrayList<>();
    private String masterUrl;
    private int submissions;

    private StandaloneCluster(Path dir) {
        this.dir = dir;
        this.sparkHome = dir.resolve("spark-home");
        this.sparkClassPath = sparkClassPath();
    }

    /**
     * Starts a master and {@code workers} workers with their logs under {@code
     * target/standalone-cluster/NAME} (emptied first); returns once all workers have registered.
     */
    public static StandaloneCluster start(String name, int workers) {
        Path dir = TestEnvironment.buildDir().resolve("standalone-cluster").resolve(name);
        deleteTree(dir);
        StandaloneCluster cluster = new StandaloneCluster(dir);
        try {
            cluster.startAll(workers);
            return cluster;
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
    }

    private void startAll(int workerCount) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        FakeSparkHome.create(sparkHome, sparkClassPath);
        Process master = launch(
                "master",
                List.of(
                        "org.apache.spark.deploy.master.Master",
                        "--host",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--webui-port",
                        "0"));
        Path masterLog = log("master");
        awaitLog(master, masterLog, () -> find(MASTER_URL, masterLog) != null, "the master's URL");
        masterUrl = find(MASTER_URL, masterLog);
        for (int i = 0; i < workerCount; i++) {
            Path workDir = dir.resolve("worker-" + i);
            workers.add(launch(
                    "worker-" + i,
                    List.of(
                            "org.apache.spark.deploy.worker.Worker",
                            "--host",
                            "127.0.0.1",
                            "--port",
                            "0",
                            "--webui-port",
                            "0",
                            "--cores",
                            "1",
                            "--memory",
                            "1g",
                            "--work-dir",
                            workDir.toString(),
                            masterUrl)));
        }
        awaitLog(
                master,
                masterLog,
                () -> count(masterLog, "Registering worker") >= workerCount,
                workerCount + " workers registered");
    }

    /** {@code spark://127.0.0.1:PORT}. */
    public String masterUrl() {
        return masterUrl;
    }

    /** Worker {@code i}'s directory: one directory per application, one per executor, its stderr. */
    public Path workDir(int i) {
        return dir.resolve("worker-" + i);
    }

    /** Worker {@code i}'s executors' logs ({@code stderr}), concatenated. */
    public String executorLogs(int i) {
        Path work = workDir(i);
        if (!Files.isDirectory(work)) {
            return "";
        }
        try (Stream<Path> files = Files.walk(work)) {
            StringBuilder all = new StringBuilder();
            for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr"))
                    .toList()) {
                all.append(Files.readString(f));
            }
            return all.toString();
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * Kills worker {@code i} and its executors with SIGKILL (a machine lost), and waits until they
     * are gone.
     */
    public void killWorker(int i) {
        Process worker = workers.get(i);
        List<ProcessHandle> tree = new ArrayList<>(worker.descendants().toList());
        tree.add(worker.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("process " + p.pid() + " did not end after SIGKILL", e);
            }
        }
    }

    /**
     * Submits {@code ./headwise ARGS} through {@code SparkSubmit} (client mode: the driver is the
     * new JVM) with the cluster jar; the job's Spark master comes from {@code spark-submit} alone.
     */
    public Submitted submit(String... args) {
        return submit(Map.of(), args);
    }

    /** {@link #submit(String...)} with more Spark settings ({@code --conf KEY=VALUE}). */
    public Submitted submit(Map<String, String> conf, String... args) {
        Path jar = clusterJar();
        List<String> command = new ArrayList<>(List.of(
                "org.apache.spark.deploy.SparkSubmit",
                "--master",
                masterUrl,
                "--deploy-mode",
                "client",
                "--class",
                "io.headwise.cli.Headwise",
                "--conf",
                "spark.driver.host=127.0.0.1",
                "--conf",
                "spark.driver.bindAddress=127.0.0.1",
                "--conf",
                "spark.ui.enabled=false",
                "--conf",
                "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
                "--conf",
                "spark.executor.memory=1g",
                "--conf",
                "spark.executor.extraJavaOptions=" + javaOptions(),
                "--conf",
                "spark.sql.shuffle.partitions=4",
                "--conf",
                "spark.sql.session.timeZone=UTC"));
        conf.forEach((key, value) -> command.addAll(List.of("--conf", key + "=" + value)));
        command.add(jar.toString());
        command.addAll(List.of(args));
        String name = "submit-" + (++submissions) + "-" + args[0];
        Process process = launch(name, command);
        return new Submitted(process, log(name));
    }

    /** A job submitted with {@link #submit}: its driver JVM and its log. */
    public record Submitted(Process process, Path logFile) {

        /** Waits for the driver to exit; kills it and fails when it does not within {@code timeout}. */
        public int waitFor(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    destroy(process);
                    throw new AssertionError("the job did not end within " + timeout + "; its log:\n" + log());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return process.exitValue();
        }

        public String log() {
            try {
                return Files.readString(logFile);
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }

    /** Ends every process started (drivers, workers with their executors, master) by its id. */
    @Override
    public void close() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            destroy(processes.get(i));
        }
    }

    private static void destroy(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        for (ProcessHandle p : tree) {
            p.destroyForcibly();
        }
        for (ProcessHandle p : tree) {
            try {
                p.onExit().get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (Exception e) {
                // Reported by the test's own failure, if any; a process that outlives SIGKILL is gone soon after.
            }
        }
    }

    private Process launch(String name, List<String> mainAndArgs) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        command.addAll(List.of(javaOptions().split("\\s+")));
        command.add("-cp");
        command.add(sparkClassPath.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        command.addAll(mainAndArgs);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        Map<String, String> env = builder.environment();
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_SCALA_VERSION", "2.13");
        env.put("SPARK_LOCAL_IP", "127.0.0.1");
        env.remove("HEADWISE_MASTER");
        try {
            Process process = builder.start();
            processes.add(process);
            return process;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    private Path log(String name) {
        return dir.resolve(name + ".log");
    }

    private static void awaitLog(Process process, Path log, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException(String.format(
                        "no %s within %s (process %s); log %s:%n%s",
                        what, START_TIMEOUT, process.isAlive() ? "running" : "exited", log, read(log)));
            }
            sleep(100);
        }
    }

    private static String find(Pattern pattern, Path log) {
        Matcher m = pattern.matcher(read(log));
        return m.find() ? m.group(1) : null;
    }

    private static long count(Path log, String text) {
        return read(log).lines().filter(l -> l.contains(text)).count();
    }

    private static String read(Path log) {
        try {
            return Files.isRegularFile(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f); // links are deleted, never what they point to
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot empty " + dir, e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Spark's Java 17 flags and {@code -Dai.djl.offline=true}, as Failsafe gives the executors. */
    private static String javaOptions() {
        String options = System.getProperty(LocalClusterSession.EXECUTOR_JAVA_OPTIONS);
        if (options == null || options.isBlank()) {
            throw new IllegalStateException(String.format(
                    "system property %s is not set; run through Failsafe (jobs/pom.xml sets it)",
                    LocalClusterSession.EXECUTOR_JAVA_OPTIONS));
        }
        return options.trim();
    }

    /**
     * The cluster jar that {@code ./mvnw package} builds before Failsafe runs; {@code -DskipShade}
     * skips it.
     */
    public static Path clusterJar() {
        Path target = TestEnvironment.buildDir();
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(f -> f.getFileName().toString().matches("headwise-jobs-.*-cluster\\.jar"))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(String.format(
                            "no cluster jar %s/headwise-jobs-*-cluster.jar; build it with"
                                    + " `./mvnw -B -pl udfs,jobs package -DskipTests` (without -DskipShade)",
                            target)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test class path without our own code, DJL, picocli and the HDFS test servers: what a
     * Spark distribution holds (and the test libraries, which nothing here loads).
     */
    private static List<Path> sparkClassPath() {
        Path project = TestEnvironment.buildDir().getParent().getParent();
        return TestEnvironment.classPath().stream()
                .filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".jar"))
                .filter(p -> !p.startsWith(project) && !FakeSparkHome.isTestServer(p))
                .filter(p -> !p.toString().contains("/ai/djl/") && !p.toString().contains("/info/picocli/"))
                .toList();
    }
}
