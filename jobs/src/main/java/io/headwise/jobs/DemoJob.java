package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole pipeline on {@code names.txt} in one JVM and one Spark session —
 * tokenize → train ({@code names-demo} preset) → extract (patterns of every name) → probe →
 * summarize → report — then the top heads of each statistic, where everything is, and SQL to try.
 *
 * <p>Each step runs the job's own command line ({@link Jobs}), printed before it runs, so the demo
 * shows the commands a user would type. A step whose output is complete is skipped, so a second
 * run reuses what is done; once a step has run, every later step reruns too, so no table is left
 * from older inputs, with {@code --overwrite} when its outputs exist. A trained model is always
 * reused.
 */
public final class DemoJob {

    public static final String OUT_DEFAULT = "runs/demo";
    public static final String PRESET = "names-demo";
    public static final long PROBE_SEED = 0;

    /** Runs other jobs' command lines in this JVM and session. */
    public interface Jobs {
        /** Runs {@code ./headwise ARGS}; returns its exit code. */
        int run(List<String> args);

        /** Whether this build has job {@code name}. */
        boolean exists(String name);
    }

    /** Options of {@code demo}. */
    public static final class Options {
        @Option(
                names = "--out",
                defaultValue = OUT_DEFAULT,
                paramLabel = "DIR",
                description = "Run directory (default: ${DEFAULT-VALUE}).")
        public String out;

        @Option(
                names = "--names",
                paramLabel = "FILE",
                description =
                        "The names, one per line (default: names.txt under $HEADWISE_DATASETS_DIR, else datasets/).")
        public Path names;
    }

    /**
     * One pipeline step: its command line and what it writes.
     *
     * @param outputs table directories ({@code tables}) or files the step writes
     * @param tables whether the outputs are tables (complete with {@code _SUCCESS}) or files
     * @param acceptsOverwrite whether the job takes {@code --overwrite} to replace its outputs
     */
    record Step(String job, List<String> args, List<String> outputs, boolean tables, boolean acceptsOverwrite) {

        boolean done(SparkSession spark) {
            for (String output : outputs) {
                if (tables ? !Tables.isComplete(spark, output) : !Files.isRegularFile(Path.of(output))) {
                    return false;
                }
            }
            return true;
        }

        /** Whether any output exists, complete or left by a failed run. */
        boolean started(SparkSession spark) {
            return outputs.stream().anyMatch(output -> Tables.exists(spark, output));
        }
    }

    private DemoJob() {}

    public static void run(JobContext context, Options options, Jobs jobs) {
        SparkSession spark = context.spark();
        String dir = options.out;
        String names = namesFile(options).toString();
        List<Step> steps = steps(dir, names, jobs);
        boolean rerun = false;
        for (Step step : steps) {
            List<String> args = new ArrayList<>(step.args());
            boolean skip = step.done(spark) && (!rerun || step.job().equals("train"));
            if (skip) {
                context.print("== %s: done already, reused", step.job());
                continue;
            }
            if (step.acceptsOverwrite() && step.started(spark)) {
                args.add("--overwrite");
            }
            context.print("== ./headwise %s", String.join(" ", args));
            int code = jobs.run(args);
            if (code != 0) {
                String message = String.format(
                        "demo: step `%s` failed with exit code %d (its message is above)", step.job(), code);
                throw code == 2 ? new BadInputException("%s", message) : new IllegalStateException(message);
            }
            rerun = true;
        }
        DemoSummary.print(context, spark, dir, model(dir), jobs.exists("report") ? report(dir) : null);
    }

    private static Path namesFile(Options options) {
        if (options.names == null) {
            return Datasets.require("names.txt");
        }
        if (!Files.isRegularFile(options.names)) {
            throw new BadInputException("--names %s: no such file", options.names);
        }
        return options.names;
    }

    static String model(String dir) {
        return Tables.path(dir, "model");
    }

    static String report(String dir) {
        return Tables.path(dir, "report.html");
    }

    /** The pipeline; {@code report} only when this build has it. */
    static List<Step> steps(String dir, String names, Jobs jobs) {
        String model = model(dir);
        List<Step> steps = new ArrayList<>(List.of(
                new Step(
                        "tokenize",
                        List.of("tokenize", "--input", names, "--format", "lines", "--tokenizer", "char", "--out", dir),
                        tables(dir, Schemas.TOKENS),
                        true,
                        true),
                new Step(
                        "train",
                        List.of("train", "--tokens", dir, "--out", model, "--preset", PRESET),
                        List.of(Tables.path(model, "model.safetensors")),
                        false,
                        false),
                new Step(
                        "extract",
                        List.of("extract", "--model", model, "--tokens", dir, "--out", dir, "--patterns", "all"),
                        tables(
                                dir,
                                Schemas.HEAD_STATS,
                                Schemas.TOKEN_STATS,
                                Schemas.ACTIVATIONS,
                                Schemas.ATTENTION,
                                Schemas.HEAD_TOKEN_MASS,
                                Schemas.HEAD_DISTANCES),
                        true,
                        true),
                new Step(
                        "probe",
                        List.of("probe", "--model", model, "--out", dir, "--seed", Long.toString(PROBE_SEED)),
                        tables(dir, Schemas.HEAD_PROBES),
                        true,
                        true),
                new Step(
                        "summarize",
                        List.of("summarize", "--tables", dir),
                        tables(dir, Schemas.HEAD_SUMMARY),
                        true,
                        true)));
        if (jobs.exists("report")) {
            steps.add(new Step(
                    "report",
                    List.of("report", "--tables", dir, "--model", model, "--out", report(dir)),
                    List.of(report(dir)),
                    false,
                    false));
        }
        return steps;
    }

    private static List<String> tables(String dir, String... names) {
        List<String> paths = new ArrayList<>();
        for (String name : names) {
            paths.add(Tables.path(dir, name));
        }
        return paths;
    }

    private static boolean complete(SparkSession spark, String dir, String... tables) {
        for (String table : tables) {
            if (!Tables.isComplete(spark, Tables.path(dir, table))) {
                return false;
            }
        }
        return true;
    }
}
