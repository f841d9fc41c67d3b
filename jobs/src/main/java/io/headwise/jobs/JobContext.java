package io.headwise.jobs;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * What every job run gets: the session (null for jobs that need no Spark, such as {@code
 * inspect}), where to print its results, and the command line it was started with (recorded in
 * {@code run_manifest}).
 *
 * <p>A job run from Java ({@code new ExtractJob(options).run(spark)}) gets {@link #forApi}: its
 * printed lines are discarded (the job returns them as a result record instead), and {@code
 * run_manifest}'s {@code arguments} hold the options' text form, {@code Options[model=…, …]}.
 *
 * @param spark the session, or null
 * @param out the user's output: where a job prints what it wrote, row counts and results
 * @param job the job's name as typed on the command line
 * @param arguments the job's arguments as typed
 * @param started when the run started
 */
public record JobContext(SparkSession spark, PrintStream out, String job, List<String> arguments, Instant started) {

    /** The context of a job run from Java: nothing printed, the options recorded as its arguments. */
    public static JobContext forApi(SparkSession spark, String job, Record options) {
        return new JobContext(
                spark,
                new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8),
                job,
                List.of(options.toString()),
                Instant.now());
    }

    /** Sets the Spark job description shown in the UI and event logs for the next actions. */
    public void describe(String description) {
        if (spark != null) {
            spark.sparkContext().setJobGroup(job, description, false);
        }
    }

    /** Prints one line of results ({@code String.format}). */
    public void print(String format, Object... args) {
        out.println(args.length == 0 ? format : String.format(format, args));
    }
}
