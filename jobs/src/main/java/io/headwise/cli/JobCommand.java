package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.Sessions;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The common part of every job command: {@code --master}, {@code --verbose}, the Spark session
 * (reused when one is active, as in tests), and the {@link JobContext} the job runs with.
 */
abstract class JobCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--master",
            paramLabel = "URL",
            description = "Spark master (default: $HEADWISE_MASTER, else local[*]).")
    String master;

    @Option(names = "--verbose", description = "Print stack traces and Spark's own log lines.")
    boolean verbose;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress: neither the training progress nor the INFO log lines; warnings, errors and"
                    + " the results still print.")
    boolean quiet;

    /** Whether this job needs a Spark session ({@code inspect} does not). */
    boolean needsSpark() {
        return true;
    }

    /** Runs the job. */
    abstract void run(JobContext context) throws Exception;

    @Override
    public final Integer call() throws Exception {
        PrintStream out =
                new PrintStream(new WriterOutputStream(spec.commandLine().getOut()), true, "UTF-8");
        List<String> args = spec.commandLine().getParseResult().originalArgs();
        // A job run by another (demo) inherits its --quiet; the setting is restored when the job ends.
        try (Quiet ignored = Quiet.set(quiet)) {
            SparkSession spark = needsSpark() ? Sessions.getOrCreate(master, "headwise " + spec.name()) : null;
            run(new JobContext(spark, out, spec.name(), args, Instant.now()));
        }
        out.flush();
        return 0;
    }
}
