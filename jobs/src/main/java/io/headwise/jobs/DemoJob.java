package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.spark.Schemas;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * {@code demo}: the whole pipeline on {@code names.txt} in one JVM and one Spark session —
 * tokenize → train ({@code names-demo} preset) → extract (patterns of every name) → ablate (every head zeroed in turn,
 * over every name) → probe →
 * summarize → report — then the top heads of each statistic, where everything is, and SQL to try.
 *
 * <p>Each step runs its job through the Java API ({@link Step#runner}) and prints, before it runs,
 * the command line that does the same, so the demo shows the commands a user would type. A step
 * whose output is complete is skipped, so a second run reuses what is done; once a step has run,
 * every later step reruns too, so no table is left from older inputs, with {@code overwrite} when
 * its outputs exist. A trained model is always reused.
 */
public final class DemoJob {

    /**
     * The demo's {@code extract --explain}: 1 % of the names (the explanations' extra gradient pass
     * per query would take several times the model's own time on all of them).
     */
    static final String DEMO_EXPLAIN = "0.01";

    public static final String OUT_DEFAULT = "runs/demo";
    public static final String PRESET = "names-demo";
    public static final long PROBE_SEED = 0;

    /** Runs the steps' jobs; {@link #API} calls each job's Java API, tests fake the slow ones. */
    public interface Jobs {
        /**
         * Runs {@code step}'s job in {@code context}, replacing its outputs when {@code overwrite}.
         *
         * @return what the job wrote
         */
        JobResult run(Step step, boolean overwrite, JobContext context) throws IOException;
    }

    /** Each step's job through its Java API. */
    public static final Jobs API = (step, overwrite, context) -> step.runner().run(context, overwrite);

    /**
     * Options of {@code demo}.
     *
     * @param out run directory; {@code --out}
     * @param names the names, one per line, or null for names.txt in the datasets directory;
     *     {@code --names}
     */
    public record Options(String out, Path names) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(out, "--out");
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Everything has a default. */
        public static final class Builder {
            private String out = OUT_DEFAULT;
            private Path names;

            private Builder() {}

            public Builder out(String out) {
                this.out = out;
                return this;
            }

            public Builder names(Path names) {
                this.names = names;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(out, names);
            }
        }
    }

    /**
     * What {@code demo} did.
     *
     * @param tables the tables the steps that ran wrote, in the order they wrote them
     * @param ran the steps that ran, by job name
     * @param reused the steps whose outputs were complete and reused
     * @param model the model directory
     * @param report the HTML report
     */
    public record Result(List<WrittenTable> tables, List<String> ran, List<String> reused, String model, String report)
            implements JobResult {}

    /** Runs one step's job through its Java API, replacing its outputs when {@code overwrite}. */
    @FunctionalInterface
    public interface Runner {
        JobResult run(JobContext context, boolean overwrite) throws IOException;
    }

    /**
     * One pipeline step: its job, the command line that does the same, and what it writes.
     *
     * @param args the job's command line, as printed ({@code --overwrite} is added when needed)
     * @param runner the job through its Java API
     * @param outputs table directories ({@code tables}) or files the step writes
     * @param tables whether the outputs are tables (complete with {@code _SUCCESS}) or files
     * @param acceptsOverwrite whether the job takes {@code --overwrite} to replace its outputs
     */
    public record Step(
            String job,
            List<String> args,
            Runner runner,
            List<String> outputs,
            boolean tables,
            boolean acceptsOverwrite) {

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

    private final Options options;
    private final Jobs jobs;

    public DemoJob(Options options) {
        this(options, API);
    }

    /** A demo whose steps run through {@code jobs}. */
    DemoJob(Options options, Jobs jobs) {
        this.options = Objects.requireNonNull(options, "options");
        this.jobs = Objects.requireNonNull(jobs, "jobs");
    }

    /** Runs the pipeline in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) throws IOException {
        return run(JobContext.forApi(spark, "demo", options));
    }

    /** Runs the pipeline as the CLI does, printing each step's command line and output to {@code context}. */
    public Result run(JobContext context) throws IOException {
        SparkSession spark = context.spark();
        String dir = options.out();
        String names = namesFile(options).toString();
        List<WrittenTable> written = new ArrayList<>();
        List<String> ran = new ArrayList<>();
        List<String> reused = new ArrayList<>();
        boolean rerun = false;
        for (Step step : steps(dir, names)) {
            boolean skip = step.done(spark) && (!rerun || step.job().equals("train"));
            if (skip) {
                context.print("== %s: done already, reused", step.job());
                reused.add(step.job());
                continue;
            }
            boolean overwrite = step.acceptsOverwrite() && step.started(spark);
            List<String> args = new ArrayList<>(step.args());
            if (overwrite) {
                args.add("--overwrite");
            }
            context.print("== ./headwise %s", String.join(" ", args));
            JobContext stepContext = new JobContext(spark, context.out(), step.job(), args, Instant.now());
            try {
                written.addAll(jobs.run(step, overwrite, stepContext).tables());
            } catch (RuntimeException e) {
                BadInputException bad = badInput(e);
                if (bad != null) {
                    throw new BadInputException(e, "demo: step `%s` failed: %s", step.job(), bad.getMessage());
                }
                throw e;
            }
            ran.add(step.job());
            rerun = true;
        }
        DemoSummary.print(context, spark, dir, model(dir), report(dir));
        return new Result(List.copyOf(written), List.copyOf(ran), List.copyOf(reused), model(dir), report(dir));
    }

    /** The bad input in {@code e}'s cause chain (a Spark task failure wraps it), or null. */
    private static BadInputException badInput(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BadInputException bad) {
                return bad;
            }
        }
        return null;
    }

    private static Path namesFile(Options options) {
        if (options.names() == null) {
            return Datasets.require("names.txt");
        }
        if (!Files.isRegularFile(options.names())) {
            throw new BadInputException("--names %s: no such file", options.names());
        }
        return options.names();
    }

    static String model(String dir) {
        return Tables.path(dir, "model");
    }

    static String report(String dir) {
        return Tables.path(dir, "report.html");
    }

    /** The pipeline. */
    static List<Step> steps(String dir, String names) {
        String model = model(dir);
        return List.of(
                new Step(
                        "tokenize",
                        List.of("tokenize", "--input", names, "--format", "lines", "--tokenizer", "char", "--out", dir),
                        (context, overwrite) -> new TokenizeJob(TokenizeJob.Options.builder()
                                        .corpus(CorpusOptions.builder()
                                                .input(names)
                                                .format("lines")
                                                .overwrite(overwrite)
                                                .build())
                                        .tokenizer(TokenizeJob.CHAR)
                                        .out(dir)
                                        .build())
                                .run(context),
                        tables(dir, Schemas.TOKENS),
                        true,
                        true),
                new Step(
                        "train",
                        List.of("train", "--tokens", dir, "--out", model, "--preset", PRESET),
                        (context, overwrite) -> new TrainJob(TrainJob.Options.builder()
                                        .tokens(dir)
                                        .out(Path.of(model))
                                        .preset(PRESET)
                                        .build())
                                .run(context),
                        List.of(Tables.path(model, "model.safetensors")),
                        false,
                        false),
                new Step(
                        "extract",
                        List.of(
                                "extract",
                                "--model",
                                model,
                                "--tokens",
                                dir,
                                "--out",
                                dir,
                                "--patterns",
                                "all",
                                "--explain",
                                DEMO_EXPLAIN),
                        (context, overwrite) -> new ExtractJob(ExtractJob.Options.builder()
                                        .model(model)
                                        .tokens(dir)
                                        .out(dir)
                                        .patterns("all")
                                        .explain(DEMO_EXPLAIN)
                                        .overwrite(overwrite)
                                        .build())
                                .run(context),
                        tables(dir, ExtractJob.OUTPUT_TABLES.toArray(String[]::new)),
                        true,
                        true),
                new Step(
                        "ablate",
                        List.of("ablate", "--model", model, "--tokens", dir, "--out", dir, "--sweep", "zero"),
                        (context, overwrite) -> new AblateJob(AblateJob.Options.builder()
                                        .model(model)
                                        .tokens(dir)
                                        .out(dir)
                                        .sweep("zero")
                                        .overwrite(overwrite)
                                        .build())
                                .run(context),
                        tables(dir, Schemas.HEAD_ABLATION),
                        true,
                        true),
                new Step(
                        "probe",
                        List.of("probe", "--model", model, "--out", dir, "--seed", Long.toString(PROBE_SEED)),
                        (context, overwrite) -> new ProbeJob(ProbeJob.Options.builder()
                                        .model(Path.of(model))
                                        .out(dir)
                                        .seed(PROBE_SEED)
                                        .overwrite(overwrite)
                                        .build())
                                .run(context),
                        tables(dir, Schemas.HEAD_PROBES),
                        true,
                        true),
                new Step(
                        "summarize",
                        List.of("summarize", "--tables", dir),
                        (context, overwrite) -> new SummarizeJob(SummarizeJob.Options.builder()
                                        .tables(dir)
                                        .overwrite(overwrite)
                                        .build())
                                .run(context),
                        tables(dir, Schemas.HEAD_SUMMARY),
                        true,
                        true),
                new Step(
                        "report",
                        List.of("report", "--tables", dir, "--model", model, "--out", report(dir)),
                        (context, overwrite) -> new ReportJob(ReportJob.Options.builder()
                                        .tables(dir)
                                        .model(Path.of(model))
                                        .out(Path.of(report(dir)))
                                        .build())
                                .run(context),
                        List.of(report(dir)),
                        false,
                        false));
    }

    private static List<String> tables(String dir, String... names) {
        List<String> paths = new ArrayList<>();
        for (String name : names) {
            paths.add(Tables.path(dir, name));
        }
        return paths;
    }
}
