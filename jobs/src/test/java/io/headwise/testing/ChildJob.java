package io.headwise.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.cli.Headwise;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * {@code headwise ARGS} in a JVM of its own ({@code java -cp <the test class path>
 * io.headwise.cli.Headwise}), bound to loopback, its output in files; for tests that kill a driver
 * with {@code kill -9} or run two drivers at once. Every process is ended by its pid.
 */
public final class ChildJob implements AutoCloseable {

    private final Process process;
    private final Path out;
    private final Path err;

    private ChildJob(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Starts {@code headwise args}; its output goes to files under {@code logs}. */
    public static ChildJob start(Path logs, String... args) throws IOException {
        return start(List.of(), logs, args);
    }

    /** Like {@link #start(Path, String...)}, with more JVM options ({@code -Dkey=value}). */
    public static ChildJob start(List<String> jvmOptions, Path logs, String... args) throws IOException {
        Files.createDirectories(logs);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        String options = System.getProperty("headwise.test.executorJavaOptions", "");
        command.addAll(
                Arrays.stream(options.split("\\s+")).filter(s -> !s.isBlank()).toList());
        String log4j = System.getProperty("log4j2.configurationFile");
        if (log4j != null) {
            command.add("-Dlog4j2.configurationFile=" + log4j);
        }
        command.add("-Xmx1g");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Headwise.class.getName());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(logs, "child", ".out");
        Path err = Files.createTempFile(logs, "child", ".err");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        builder.environment().put("HEADWISE_MASTER", "local[2]");
        return new ChildJob(builder.start(), out, err);
    }

    public long pid() {
        return process.pid();
    }

    /**
     * Polls {@code condition} every 5 ms and sends {@code kill -9} to the process as soon as it
     * holds; fails when the process ends first or {@code seconds} pass.
     */
    public void killWhen(BooleanSupplier condition, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            assertThat(process.isAlive())
                    .as(
                            "the job ended (exit %s) before it could be killed:%n%s%n%s",
                            process.isAlive() ? "-" : process.exitValue(), out(), err())
                    .isTrue();
            assertThat(System.nanoTime()).as("waited %d s to kill it", seconds).isLessThan(deadline);
            Thread.sleep(5);
        }
        Process kill = new ProcessBuilder("kill", "-9", String.valueOf(process.pid())).start();
        assertThat(kill.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).isEqualTo(128 + 9);
    }

    /** Waits for the process to end; its exit code. */
    public int waitFor(int seconds) throws InterruptedException {
        assertThat(process.waitFor(seconds, TimeUnit.SECONDS))
                .as("still running after %d s", seconds)
                .isTrue();
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public String out() {
        return read(out);
    }

    public String err() {
        return read(err);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills the process by its pid if it still runs. */
    @Override
    public void close() throws Exception {
        if (process.isAlive()) {
            new ProcessBuilder("kill", "-9", String.valueOf(process.pid()))
                    .start()
                    .waitFor(30, TimeUnit.SECONDS);
            process.waitFor(60, TimeUnit.SECONDS);
        }
    }
}
