package io.headwise.jobs;

import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * What every job run gets: the session (null for jobs that need no Spark, such as {@code
 * inspect}), where to print its results, and the command line it was started with (recorded in
 * {@code run_manifest}).
 *
 * @param spark the session, or null
 * @param out the user's output: where a job prints what it wrote, row counts and results
 * @param job the job's name as typed on the command line
 * @param arguments the job's arguments as typed
 * @param started when the run started
 */
public record JobContext(SparkSession spark, PrintStream out, String job, List<String> arguments, Instant started) {

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
