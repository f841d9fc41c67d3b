package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.headwise.BadInputException;
import io.headwise.metrics.ProbeSequences;
import io.headwise.model.Checkpoint;
import io.headwise.model.GptConfig;
import io.headwise.spark.ProbePartition;
import io.headwise.spark.Schemas;
import io.headwise.spark.ShippedModel;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.TokenizerJson;
import io.headwise.tokenize.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code probe}: the SPEC §4 repeated-random-token probes → {@code head_probes}. Sequence indices
 * are spread over the cluster; each task runs its sequences through the model ({@link
 * ProbePartition}) and Spark sums the per-head scores, so no sequence or pattern reaches the
 * driver.
 */
public final class ProbeJob {

    /** Sequences per model pass. */
    public static final int BATCH_SIZE_DEFAULT = 32;

    /** Default of {@code --n-sequences}. */
    public static final int N_SEQUENCES_DEFAULT = 100;
    /** Default of {@code --seed}. */
    public static final long SEED_DEFAULT = 0;

    /**
     * Options of {@code probe}, checked when built.
     *
     * @param model model directory; {@code --model}
     * @param out run directory to write head_probes into; {@code --out}
     * @param nSequences probe sequences; {@code --n-sequences}
     * @param halfLength tokens in the repeated half r, or null for min(20, (n_positions − 1) / 2);
     *     checked against the model when the job runs; {@code --half-length}
     * @param seed seed of the random tokens; {@code --seed}
     * @param batchSize sequences per model pass; {@code --batch-size}
     * @param overwrite replace an existing head_probes table; {@code --overwrite}
     */
    public record Options(
            Path model, String out, int nSequences, Integer halfLength, long seed, int batchSize, boolean overwrite) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(model, "--model");
            OptionChecks.localPath(model, "--model", "probe");
            OptionChecks.required(out, "--out");
            if (nSequences < 1) {
                throw new BadInputException("--n-sequences must be >= 1, got %d", nSequences);
            }
            if (batchSize < 1) {
                throw new BadInputException("--batch-size must be >= 1, got %d", batchSize);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code model} and {@code out}; the rest has defaults. */
        public static final class Builder {
            private Path model;
            private String out;
            private int nSequences = N_SEQUENCES_DEFAULT;
            private Integer halfLength;
            private long seed = SEED_DEFAULT;
            private int batchSize = BATCH_SIZE_DEFAULT;
            private boolean overwrite;

            private Builder() {}

            public Builder model(Path model) {
                this.model = model;
                return this;
            }

            public Builder out(String out) {
                this.out = out;
                return this;
            }

            public Builder nSequences(int nSequences) {
                this.nSequences = nSequences;
                return this;
            }

            public Builder halfLength(Integer halfLength) {
                this.halfLength = halfLength;
                return this;
            }

            public Builder seed(long seed) {
                this.seed = seed;
                return this;
            }

            public Builder batchSize(int batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            public Builder overwrite(boolean overwrite) {
                this.overwrite = overwrite;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(model, out, nSequences, halfLength, seed, batchSize, overwrite);
            }
        }
    }

    /** One head's score: what {@code probe} prints for the heads that stand out. */
    public record HeadScore(int layer, int head, double score) {}

    /**
     * What {@code probe} wrote.
     *
     * @param tables {@code head_probes}, its directory and rows
     * @param halfLength the half length used (the default resolved against the model)
     * @param standouts per score ({@code induction}, {@code duplicate}, {@code prev_token}) the
     *     three heads with the highest value, highest first
     */
    public record Result(List<WrittenTable> tables, int halfLength, Map<String, List<HeadScore>> standouts)
            implements JobResult {}

    private final Options options;

    public ProbeJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Runs the job in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) {
        return run(JobContext.forApi(spark, "probe", options));
    }

    /** Runs the job as the CLI does, printing what it wrote to {@code context}. */
    public Result run(JobContext context) {
        SparkSession spark = context.spark();
        GptConfig config = Checkpoint.readConfig(options.model());
        int halfLength = halfLength(options, config);
        if (!config.hasToken(config.bosTokenId())) {
            throw new BadInputException(
                    "%s: bos_token_id %d is not a token id of this model (vocab_size %d), and probe sequences start with it; set bos_token_id in config.json",
                    options.model().resolve("config.json"), config.bosTokenId(), config.vocabSize());
        }
        int[] vocabulary = vocabulary(options.model(), config);
        Tables.checkWritable(spark, options.out(), Schemas.HEAD_PROBES, options.overwrite());
        context.describe(String.format(
                "probe %s: %d sequences of [bos] + r + r, |r| = %d",
                options.model(), options.nSequences(), halfLength));

        Dataset<Row> probes = probe(spark, options, config, halfLength, vocabulary);
        Map<String, List<HeadScore>> standouts;
        try (RunStaging staging =
                RunStaging.create(context, options.out(), List.of(Schemas.HEAD_PROBES), options.overwrite())) {
            long rows = Tables.write(probes, staging.dir(), Schemas.HEAD_PROBES);
            staging.commit(List.of(Schemas.HEAD_PROBES));
            RunManifest manifest = new RunManifest(context)
                    .model(ModelIdentity.dir(options.model()), ModelIdentity.config(options.model()))
                    .inputs(List.of(ModelIdentity.dir(options.model())))
                    .rows(Schemas.HEAD_PROBES, Tables.path(options.out(), Schemas.HEAD_PROBES), rows)
                    .detail("n_sequences", Integer.toString(options.nSequences()))
                    .detail("half_length", Integer.toString(halfLength))
                    .detail("seed", Long.toString(options.seed()));
            manifest.append(options.out());
            standouts = printStandouts(
                    context, Tables.read(spark, options.out(), Schemas.HEAD_PROBES, "probe"), halfLength);
            return new Result(manifest.written(), halfLength, standouts);
        }
    }

    static int halfLength(Options options, GptConfig config) {
        int n = options.halfLength() != null
                ? options.halfLength()
                : ProbeSequences.defaultHalfLength(config.nPositions());
        if (n < 1 || 1 + 2 * n > config.nPositions()) {
            throw new BadInputException(
                    "--half-length must be in 1..%d so that 1 + 2 * half_length fits the model's n_positions (%d), got %d",
                    (config.nPositions() - 1) / 2, config.nPositions(), n);
        }
        return n;
    }

    /**
     * The non-special ids of the model's vocabulary: all ids below both the model's and the
     * tokenizer's vocabulary size, except bos/eos and the tokenizer's special tokens ({@code
     * <|endoftext|>}, a char model's {@code .}).
     */
    static int[] vocabulary(Path modelDir, GptConfig config) {
        Set<Integer> specials = new TreeSet<>(List.of(config.bosTokenId(), config.eosTokenId()));
        int size;
        try (TextTokenizer tokenizer = Tokenizers.load(modelDir)) {
            tokenizer.specialId(TokenizerJson.END_OF_TEXT).ifPresent(specials::add);
            if (tokenizer.isCharLevel()) {
                tokenizer.specialId(".").ifPresent(specials::add);
            }
            size = Math.min(config.vocabSize(), tokenizer.vocabSize());
        }
        try {
            return ProbeSequences.vocabulary(size, specials);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("%s: %s", modelDir, e.getMessage());
        }
    }

    private static Dataset<Row> probe(
            SparkSession spark, Options options, GptConfig config, int halfLength, int[] vocabulary) {
        int partitions =
                Math.max(1, Math.min(options.nSequences(), spark.sparkContext().defaultParallelism()));
        // Checked whole on the driver, then loaded once per executor JVM (ModelCache), as extract does.
        ShippedModel model = ModelStaging.ship(
                spark, ModelStaging.stage(spark, options.model().toString()));
        ProbePartition partition = new ProbePartition(
                model, options.seed(), halfLength, config.bosTokenId(), vocabulary, options.batchSize());
        Column queries = col("n_sequences").multiply(lit((double) halfLength));
        return spark.range(0, options.nSequences(), 1, partitions)
                .toDF()
                .mapPartitions(partition, Encoders.row(ProbePartition.SUMS_SCHEMA))
                .groupBy("layer", "head")
                .agg(
                        sum("n_sequences").as("n_sequences"),
                        sum("induction_sum").as("induction_sum"),
                        sum("duplicate_sum").as("duplicate_sum"),
                        sum("prev_token_sum").as("prev_token_sum"))
                .select(
                        col("layer"),
                        col("head"),
                        col("induction_sum").divide(queries).as("induction"),
                        col("duplicate_sum").divide(queries).as("duplicate"),
                        col("prev_token_sum").divide(queries).as("prev_token"),
                        col("n_sequences").cast("int").as("n_sequences"),
                        lit(halfLength).as("half_length"))
                .orderBy("layer", "head");
    }

    /** The three heads with the highest score of each kind: what the probes single out. */
    private static Map<String, List<HeadScore>> printStandouts(
            JobContext context, Dataset<Row> probes, int halfLength) {
        context.print("");
        context.print("heads that stand out on [bos] + r + r (|r| = %d):", halfLength);
        Map<String, List<HeadScore>> standouts = new LinkedHashMap<>();
        for (String score : List.of("induction", "duplicate", "prev_token")) {
            StringBuilder line = new StringBuilder();
            List<HeadScore> heads = new ArrayList<>();
            for (Row row : probes.orderBy(col(score).desc(), col("layer"), col("head"))
                    .limit(3)
                    .collectAsList()) {
                HeadScore head = new HeadScore(row.getInt(0), row.getInt(1), row.getDouble(row.fieldIndex(score)));
                heads.add(head);
                line.append(String.format("  L%dH%d %.3f", head.layer(), head.head(), head.score()));
            }
            standouts.put(score, List.copyOf(heads));
            context.print("  %-10s%s", score, line);
        }
        return Collections.unmodifiableMap(standouts);
    }
}
