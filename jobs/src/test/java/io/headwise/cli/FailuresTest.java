package io.headwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

class FailuresTest {

    @Command(name = "job")
    static final class Job implements Callable<Integer> {
        final Exception failure;

        @Option(names = "--verbose")
        boolean verbose;

        Job(Exception failure) {
            this.failure = failure;
        }

        @Override
        public Integer call() throws Exception {
            throw failure;
        }
    }

    private record Run(int exitCode, String err) {}

    private static Run run(Exception failure, String... args) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        int code = new CommandLine(new Job(failure))
                .setExecutionExceptionHandler(new Failures(err))
                .execute(args);
        return new Run(code, bytes.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badInputAnywhereInTheChainIsExitCodeTwoAndItsMessage() {
        Run run = run(
                new RuntimeException("task failed", new BadInputException("tokens table: sample_id %d is empty", 7)));
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).isEqualTo("headwise job: tokens table: sample_id 7 is empty" + System.lineSeparator());
    }

    @Test
    void anythingElseIsExitCodeOneAndTheRootCauseOnOneLine() {
        Run run = run(new RuntimeException("outer", new IllegalStateException("first line\nsecond line")));
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err())
                .isEqualTo("headwise job: failed: IllegalStateException: first line (run with --verbose for details)"
                        + System.lineSeparator());
    }

    @Test
    void outOfHeapSaysWhereToGiveTheJvmMore() {
        Run local = run(new RuntimeException("Job aborted", new OutOfMemoryError("Java heap space")));
        assertThat(local.exitCode()).isEqualTo(1);
        assertThat(local.err())
                .startsWith("headwise job: failed: OutOfMemoryError: Java heap space" + Failures.OUT_OF_MEMORY_HINT)
                .contains("HEADWISE_DRIVER_MEMORY")
                .hasLineCount(1);
        // A remote task's failure reaches the driver as text.
        Run remote = run(new RuntimeException(
                "Job aborted due to stage failure: Lost task 0.0: java.lang.OutOfMemoryError: Java heap space"));
        assertThat(remote.err()).contains(Failures.OUT_OF_MEMORY_HINT).hasLineCount(1);
        assertThat(run(new RuntimeException("disk full")).err()).doesNotContain("ran out of heap");
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Run run = run(new IllegalStateException("broken"), "--verbose");
        assertThat(run.err())
                .startsWith("headwise job: failed: IllegalStateException: broken" + System.lineSeparator())
                .contains(
                        "java.lang.IllegalStateException: broken",
                        "at io.headwise.cli.FailuresTest.verbosePrintsTheStackTrace");
    }
}
