package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.Futures;
import io.headwise.model.GptConfig;
import io.headwise.spark.DeviceChoice;
import io.headwise.spark.ExtractPartition;
import io.headwise.spark.ExtractSettings;
import io.headwise.spark.ExtractTables;
import io.headwise.spark.PatternSelection;
import io.headwise.spark.SampleTable;
import io.headwise.spark.Schemas;
import io.headwise.spark.ShippedModel;
import io.headwise.spark.TaskTableFiles;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code extract}: every sample of a {@code tokens} table through the model once — forward and one
 * backward pass per batch — giving {@code head_stats}, {@code token_stats}, {@code activations},
 * {@code attention} for the samples {@code --patterns} selects, the corpus sums {@code
 * head_token_mass} and {@code head_distances}, and {@code rejects} for samples the model cannot
 * take.
 *
 * <p>One pass, one Spark job for the model: each task writes every per-sample table's rows into
 * files of its own as each batch comes back from the model ({@link ExtractPartition}, rows from
 * the declarations in {@link ExtractTables}), and its partial sums beside them; the driver commits
 * the files of the attempts that succeeded ({@link TaskFilesCommit}) and sums the partials into
 * the corpus tables with two small jobs.
 *
 * <p>All tables are written into a staging directory under {@code --out} first ({@link
 * RunStaging}) and moved into place only when every one of them is complete, so a failed run leaves
 * nothing that looks complete.
 */
public final class ExtractJob {

    /** Default of {@code --batch-size}. */
    public static final int BATCH_SIZE_DEFAULT = 32;
    /** A task reads this many batches ahead and sorts them by length. */
    public static final int WINDOW_BATCHES = 4;
    /** Without {@code --patterns}: all patterns for a char-level corpus of at most this many samples… */
    public static final long ALL_PATTERNS_MAX_SAMPLES = 50_000;
    /** …else this fraction (on the English wiki sample: a few hundred MB of attention rows). */
    public static final double PATTERNS_FRACTION_DEFAULT = 0.02;
    /**
     * Without {@code --distances}: every sample for a model of at most this many heads in all…
     * The pairwise divergences cost {@code H(H−1)/2 · T²/2} logarithms a sample: for GPT-2 small
     * (144 heads, 128 tokens) about 85 million, several times the model's own pass.
     */
    public static final int ALL_DISTANCES_MAX_HEADS = 64;
    /** …else this fraction of the samples. */
    public static final double DISTANCES_FRACTION_DEFAULT = 0.01;

    /** The corpus tables summed from the tasks' partial sums. */
    static final List<String> CORPUS_TABLES = List.of(Schemas.HEAD_TOKEN_MASS, Schemas.HEAD_DISTANCES);

    /** The tables extract replaces (they need --overwrite when present); rejects are merged. */
    static final List<String> OUTPUT_TABLES = Stream.concat(
                    ExtractTables.ALL.stream().map(SampleTable::name), CORPUS_TABLES.stream())
            .toList();

    /** Every table extract writes. */
    public static final List<String> TABLES =
            Stream.concat(OUTPUT_TABLES.stream(), Stream.of(Schemas.REJECTS)).toList();

    private static final Logger LOG = LoggerFactory.getLogger(ExtractJob.class);

    /** Default of {@code --mlp-top-k}. */
    public static final int MLP_TOP_K_DEFAULT = 8;
    /** Default of {@code --device}. */
    public static final String DEVICE_DEFAULT = "auto";

    /**
     * Options of {@code extract}, checked when built.
     *
     * @param model model directory (any Hadoop URI); {@code --model}
     * @param tokens run directory holding the tokens table, or the table itself; {@code --tokens}
     * @param out run directory to write the tables into; {@code --out}
     * @param patterns {@code none|all|FRACTION|ids:1,2,3}, or null for the default (all for a
     *     char-level corpus of at most {@value #ALL_PATTERNS_MAX_SAMPLES} samples, else {@value
     *     #PATTERNS_FRACTION_DEFAULT}); {@code --patterns}
     * @param distances the samples whose attention rows {@code head_distances} compares, or null for
     *     the default (all for a model of at most {@value #ALL_DISTANCES_MAX_HEADS} heads, else {@value
     *     #DISTANCES_FRACTION_DEFAULT}); {@code --distances}
     * @param explain the samples explained ({@code attributions}, {@code logit_lens}, {@code
     *     attention.value_weighted}), or null for the {@code --patterns} selection; {@code --explain}
     * @param mlpTopK MLP neurons kept per position; {@code --mlp-top-k}
     * @param batchSize samples per model pass; {@code --batch-size}
     * @param device {@code auto|cpu|gpu}; {@code --device}
     * @param gradients whether to run the backward pass (false: {@code --no-gradients})
     * @param overwrite replace existing output tables; {@code --overwrite}
     */
    public record Options(
            String model,
            String tokens,
            String out,
            String patterns,
            String distances,
            String explain,
            int mlpTopK,
            int batchSize,
            String device,
            boolean gradients,
            boolean overwrite) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(model, "--model");
            OptionChecks.required(tokens, "--tokens");
            OptionChecks.required(out, "--out");
            if (batchSize < 1) {
                throw new BadInputException("--batch-size must be at least 1, got %d", batchSize);
            }
            if (mlpTopK < 0) {
                throw new BadInputException("--mlp-top-k must not be negative, got %d", mlpTopK);
            }
            DeviceChoice.check(device);
            if (patterns != null) {
                PatternSelection.parse(patterns);
            }
            if (distances != null) {
                PatternSelection.parse("--distances", distances);
            }
            if (explain != null) {
                PatternSelection.parse("--explain", explain);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code model}, {@code tokens} and {@code out}; the rest has defaults. */
        public static final class Builder {
            private String model;
            private String tokens;
            private String out;
            private String patterns;
            private String distances;
            private String explain;
            private int mlpTopK = MLP_TOP_K_DEFAULT;
            private int batchSize = BATCH_SIZE_DEFAULT;
            private String device = DEVICE_DEFAULT;
            private boolean gradients = true;
            private boolean overwrite;

            private Builder() {}

            public Builder model(String model) {
                this.model = model;
                return this;
            }

            public Builder tokens(String tokens) {
                this.tokens = tokens;
                return this;
            }

            public Builder out(String out) {
                this.out = out;
                return this;
            }

            public Builder patterns(String patterns) {
                this.patterns = patterns;
                return this;
            }

            public Builder distances(String distances) {
                this.distances = distances;
                return this;
            }

            public Builder explain(String explain) {
                this.explain = explain;
                return this;
            }

            public Builder mlpTopK(int mlpTopK) {
                this.mlpTopK = mlpTopK;
                return this;
            }

            public Builder batchSize(int batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            public Builder device(String device) {
                this.device = device;
                return this;
            }

            public Builder gradients(boolean gradients) {
                this.gradients = gradients;
                return this;
            }

            public Builder overwrite(boolean overwrite) {
                this.overwrite = overwrite;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(
                        model, tokens, out, patterns, distances, explain, mlpTopK, batchSize, device, gradients,
                        overwrite);
            }
        }
    }

    /**
     * What {@code extract} wrote.
     *
     * @param tables every table written, with its directory and rows, in the order printed
     * @param samples samples in the tokens table
     * @param analysed samples that went through the model (the others are rejects)
     * @param patterns the samples whose patterns were written ({@code all}, {@code none}, {@code
     *     fraction 0.02}, {@code ids 1,2,3})
     * @param gradients whether the backward pass ran
     */
    public record Result(List<WrittenTable> tables, long samples, long analysed, String patterns, boolean gradients)
            implements JobResult {}

    private final Options options;

    public ExtractJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Runs the job in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) {
        return run(JobContext.forApi(spark, "extract", options));
    }

    /** Runs the job as the CLI does, printing what it wrote to {@code context}. */
    public Result run(JobContext context) {
        SparkSession spark = context.spark();
        long started = System.nanoTime();
        context.describe("extract: check the model and the tokens");
        ModelStaging.Staged model = ModelStaging.stage(spark, options.model());
        if (options.mlpTopK() > model.config().dMlp()) {
            throw new BadInputException(
                    "--mlp-top-k %d exceeds the model's MLP width %d",
                    options.mlpTopK(), model.config().dMlp());
        }
        String tokensDir = Tables.tokensRunDir(spark, options.tokens());
        Dataset<Row> tokens = Tables.read(spark, tokensDir, Schemas.TOKENS, "tokenize");
        TokenizerCheck.verify(spark, tokensDir, options.model(), model.tokenizerSha256());
        for (String table : OUTPUT_TABLES) {
            Tables.checkWritable(spark, options.out(), table, options.overwrite());
        }
        // From the Parquet footers, as a count job would, without a cold JVM's first Spark job.
        long samples = Tables.committedRows(spark, Tables.path(tokensDir, Schemas.TOKENS));
        PatternSelection patterns = options.patterns() != null
                ? PatternSelection.parse(options.patterns())
                : model.charLevel() && samples <= ALL_PATTERNS_MAX_SAMPLES
                        ? PatternSelection.all()
                        : PatternSelection.fraction(PATTERNS_FRACTION_DEFAULT);
        PatternSelection distances = options.distances() != null
                ? PatternSelection.parse("--distances", options.distances())
                : model.config().nLayer() * model.config().nHead() <= ALL_DISTANCES_MAX_HEADS
                        ? PatternSelection.all()
                        : PatternSelection.fraction(DISTANCES_FRACTION_DEFAULT);
        PatternSelection explain =
                options.explain() != null ? PatternSelection.parse("--explain", options.explain()) : patterns;
        ExtractSettings settings = new ExtractSettings(
                options.batchSize(),
                options.batchSize() * WINDOW_BATCHES,
                options.mlpTopK(),
                options.gradients(),
                patterns,
                distances,
                options.device(),
                explain,
                explain.selectsNone() ? List.of() : vocabulary(model));

        LOG.info("extract: model and tokens checked in {} s", seconds(started));
        context.describe("extract: " + samples + " samples through " + options.model());
        ShippedModel shipped = ModelStaging.ship(spark, model);
        LongAccumulator analysed = spark.sparkContext().longAccumulator("extract: samples through the model");
        Map<String, Long> counts = new LinkedHashMap<>();
        try (RunStaging staging = RunStaging.create(context, options.out(), OUTPUT_TABLES, options.overwrite())) {
            String dir = staging.dir();
            long passStarted = System.nanoTime();
            Column[] columns =
                    ExtractPartition.inputColumns().stream().map(functions::col).toArray(Column[]::new);
            List<TaskTableFiles.Written> written = spread(spark, tokens.select(columns))
                    .queryExecution()
                    .toRdd()
                    .toJavaRDD()
                    .mapPartitions(new ExtractPartition(shipped, settings, analysed, dir))
                    .collect();
            List<String> taskTables = new ArrayList<>(OUTPUT_TABLES.subList(0, ExtractTables.ALL.size()));
            taskTables.addAll(
                    List.of(ExtractTables.MASS_PARTIALS, ExtractTables.DISTANCE_PARTIALS, ExtractTables.REJECT_ROWS));
            Map<String, Long> taskRows = TaskFilesCommit.commit(spark, dir, written, taskTables);
            for (SampleTable<?> table : ExtractTables.ALL) {
                counts.put(table.name(), taskRows.get(table.name()));
            }
            LOG.info("extract: model pass and per-sample tables in {} s", seconds(passStarted));
            counts.putAll(writeCorpusTables(spark, dir, options.out(), model.config()));
            staging.commit(TABLES);
            RunManifest manifest = new RunManifest(context)
                    .model(options.model(), model.configJson())
                    .inputs(List.of(Tables.path(tokensDir, Schemas.TOKENS)))
                    .detail(TokenizerCheck.TOKENIZER_SHA256, model.tokenizerSha256())
                    .detail("model_fingerprint", model.fingerprint())
                    .detail("patterns", patterns.toString())
                    .detail("distances", distances.toString())
                    .detail("explain", explain.toString())
                    .detail("device", options.device())
                    .detail("gradients", Boolean.toString(options.gradients()))
                    .detail("mlp_top_k", Integer.toString(options.mlpTopK()))
                    .detail("batch_size", Integer.toString(options.batchSize()))
                    .detail("samples_analysed", Long.toString(analysed.value()));
            context.print(
                    "extract: %,d samples (%,d through the model, %,d rejected), patterns %s, explain %s, gradients %s",
                    samples,
                    analysed.value(),
                    counts.get(Schemas.REJECTS),
                    patterns,
                    explain,
                    options.gradients() ? "on" : "off");
            for (String table : TABLES) {
                manifest.rows(table, Tables.path(options.out(), table), counts.get(table));
            }
            manifest.append(options.out());
            return new Result(manifest.written(), samples, analysed.value(), patterns.toString(), options.gradients());
        }
    }

    /**
     * {@code head_token_mass}, {@code head_distances} and {@code rejects} from the tasks' partial
     * tables in {@code dir}, written there side by side (each a small job), with their row counts.
     */
    private static Map<String, Long> writeCorpusTables(SparkSession spark, String dir, String out, GptConfig config) {
        Map<String, Callable<Long>> jobs = new LinkedHashMap<>();
        jobs.put(
                Schemas.HEAD_TOKEN_MASS,
                () -> Tables.write(
                        partials(spark, dir, ExtractTables.MASS_PARTIALS, Schemas.HEAD_TOKEN_MASS_SCHEMA)
                                .groupBy("layer", "head", "token_id")
                                .agg(
                                        functions.min("token").as("token"),
                                        functions.sum("mass").as("mass"))
                                .select("layer", "head", "token_id", "token", "mass"),
                        dir,
                        Schemas.HEAD_TOKEN_MASS));
        jobs.put(Schemas.HEAD_DISTANCES, () -> {
            List<Row> sums = partials(
                            spark, dir, ExtractTables.DISTANCE_PARTIALS, ExtractTables.DISTANCE_PARTIALS_SCHEMA)
                    .groupBy("index_a", "index_b")
                    .agg(
                            functions.sum("n_rows").as("n_rows"),
                            functions.sum("divergence_sum").as("divergence_sum"))
                    .collectAsList();
            return Tables.write(
                    HeadDistances.table(spark, sums, config.nLayer(), config.nHead()), dir, Schemas.HEAD_DISTANCES);
        });
        jobs.put(
                Schemas.REJECTS,
                () -> Tables.writeRejects(spark, dir, ExtractTables.REJECT_ROWS, out, ExtractTables.JOB));
        ExecutorService writers = Executors.newFixedThreadPool(jobs.size());
        try {
            Map<String, Future<Long>> running = new LinkedHashMap<>();
            jobs.forEach((table, job) -> running.put(table, writers.submit(job)));
            // Every write ends before the staging directory is committed or removed.
            Map<String, Long> counts = new LinkedHashMap<>();
            RuntimeException failure = null;
            for (Map.Entry<String, Future<Long>> e : running.entrySet()) {
                try {
                    counts.put(e.getKey(), Futures.await(e.getValue(), "table " + e.getKey()));
                } catch (RuntimeException x) {
                    failure = failure == null ? x : failure;
                }
            }
            if (failure != null) {
                throw failure;
            }
            return counts;
        } finally {
            writers.shutdown();
        }
    }

    private static Dataset<Row> partials(SparkSession spark, String dir, String name, StructType schema) {
        return spark.read().schema(schema).parquet(Tables.path(dir, name));
    }

    private static String seconds(long startedNanos) {
        return String.format("%.1f", (System.nanoTime() - startedNanos) / 1e9);
    }

    /** Enough partitions to keep every core busy (a small tokens table may be one file). */
    private static Dataset<Row> spread(SparkSession spark, Dataset<Row> tokens) {
        int parallelism = spark.sparkContext().defaultParallelism();
        return tokens.rdd().getNumPartitions() < parallelism ? tokens.repartition(parallelism) : tokens;
    }

    /** Each token id's piece, for {@code logit_lens.top_token}: the model's tokenizer decodes them once. */
    private static List<String> vocabulary(ModelStaging.Staged model) {
        try (TextTokenizer tokenizer = Tokenizers.load(model.localDir())) {
            int n = Math.min(tokenizer.vocabSize(), model.config().vocabSize());
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) {
                ids[i] = i;
            }
            return List.of(tokenizer.pieces(ids));
        }
    }
}
