package io.headwise.jobs;

import com.google.gson.JsonObject;
import io.headwise.BadInputException;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.spark.Schemas;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.TokenizerJson;
import io.headwise.tokenize.Tokenizers;
import io.headwise.train.TrainConfig;
import io.headwise.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * {@code train}: trains a GPT-2 model from scratch on a {@code tokens} table into a model
 * directory (SPEC §2), keeping the checkpoint with the best held-out loss.
 *
 * <p>The model trains on the driver, on all its cores. The samples ({@code sample_id} and {@code
 * token_ids}) are collected into driver memory when they fit into Spark's user memory ({@link
 * #sampleMemory}) — names.txt is 32,033 samples, the wiki corpus a few hundred thousand — and
 * streamed from the table through a shuffle buffer otherwise, or with {@code --stream} ({@link
 * StreamedTokens}).
 *
 * <p>Samples longer than {@code --block-size} are refused, not windowed: {@code tokenize
 * --block-size N} already cuts documents into windows of at most N tokens.
 */
public final class TrainJob {

    /** GPT-2's own context; a larger --block-size is refused. */
    static final int MAX_BLOCK_SIZE = 1024;

    /** Spark's reserved system memory, which its memory manager leaves out of any heap. */
    static final long SPARK_RESERVED_BYTES = 300L << 20;
    /** A sample's memory besides its ids: the int[] and record headers, the list's reference. */
    static final long SAMPLE_OVERHEAD_BYTES = 64;
    /** Default of {@code --shuffle-buffer}. */
    static final int SHUFFLE_BUFFER_DEFAULT = 100_000;

    /**
     * Options of {@code train}, checked when built. A null number or choice comes from {@code
     * preset}, else from the default given here.
     *
     * @param tokens run directory with the tokens table (or the table itself) and its tokenizer.json; {@code --tokens}
     * @param out model directory to write; {@code --out}
     * @param preset conf/presets/NAME.properties, or null; {@code --preset}
     * @param layers blocks (default 4); {@code --layers}
     * @param heads heads per block (default 4); {@code --heads}
     * @param embd width of the residual stream (default 64); {@code --embd}
     * @param blockSize context length n_positions (default: the longest sample); {@code --block-size}
     * @param steps optimiser steps in the whole run (default 5000); {@code --steps}
     * @param batchSize samples per step (default 64); {@code --batch-size}
     * @param lr peak learning rate (default 1e-3); {@code --lr}
     * @param minLr learning rate at the end of the cosine decay (default lr/10); {@code --min-lr}
     * @param warmup linear warm-up steps (default 100); {@code --warmup}
     * @param weightDecay AdamW weight decay (default 0.01); {@code --weight-decay}
     * @param tieWordEmbeddings whether the LM head reuses wte (default true); {@code --tie-word-embeddings}
     * @param init {@code gpt2|pytorch} initial weights (default gpt2); {@code --init}
     * @param ema decay of an exponential moving average of the weights, 0 = off (default 0); {@code --ema}
     * @param dropout dropout probability (default 0); {@code --dropout}
     * @param gradClip largest global gradient norm, 0 = off (default 1.0); {@code --grad-clip}
     * @param seed seeds initialisation, batches and dropout (default 1337); {@code --seed}
     * @param testFraction held-out fraction of the samples (default 0.1); {@code --test-fraction}
     * @param evalInterval evaluate and maybe save every N steps (default 250); {@code --eval-interval}
     * @param evalBatches batches per split in an evaluation (default 16); {@code --eval-batches}
     * @param stream stream the samples from the table through a shuffle buffer; {@code --stream}
     * @param shuffleBuffer samples the shuffle buffer of a streamed run holds (default 100,000); {@code --shuffle-buffer}
     * @param resume continue training the model directory from its checkpoint; {@code --resume}
     * @param overwrite replace an existing model directory; {@code --overwrite}
     */
    public record Options(
            String tokens,
            Path out,
            String preset,
            Integer layers,
            Integer heads,
            Integer embd,
            Integer blockSize,
            Integer steps,
            Integer batchSize,
            Double lr,
            Double minLr,
            Integer warmup,
            Double weightDecay,
            Boolean tieWordEmbeddings,
            String init,
            Double ema,
            Double dropout,
            Double gradClip,
            Long seed,
            Double testFraction,
            Integer evalInterval,
            Integer evalBatches,
            boolean stream,
            Integer shuffleBuffer,
            boolean resume,
            boolean overwrite) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(tokens, "--tokens");
            OptionChecks.required(out, "--out");
            OptionChecks.localPath(out, "--out", "train");
            if (resume && overwrite) {
                throw new BadInputException("--resume and --overwrite exclude each other");
            }
            if (shuffleBuffer != null && shuffleBuffer < 1) {
                throw new BadInputException("--shuffle-buffer must be at least 1, got %d", shuffleBuffer);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code tokens} and {@code out}; everything else is optional. */
        public static final class Builder {
            private String tokens;
            private Path out;
            private String preset;
            private Integer layers;
            private Integer heads;
            private Integer embd;
            private Integer blockSize;
            private Integer steps;
            private Integer batchSize;
            private Double lr;
            private Double minLr;
            private Integer warmup;
            private Double weightDecay;
            private Boolean tieWordEmbeddings;
            private String init;
            private Double ema;
            private Double dropout;
            private Double gradClip;
            private Long seed;
            private Double testFraction;
            private Integer evalInterval;
            private Integer evalBatches;
            private boolean stream;
            private Integer shuffleBuffer;
            private boolean resume;
            private boolean overwrite;

            private Builder() {}

            public Builder tokens(String tokens) {
                this.tokens = tokens;
                return this;
            }

            public Builder out(Path out) {
                this.out = out;
                return this;
            }

            public Builder preset(String preset) {
                this.preset = preset;
                return this;
            }

            public Builder layers(Integer layers) {
                this.layers = layers;
                return this;
            }

            public Builder heads(Integer heads) {
                this.heads = heads;
                return this;
            }

            public Builder embd(Integer embd) {
                this.embd = embd;
                return this;
            }

            public Builder blockSize(Integer blockSize) {
                this.blockSize = blockSize;
                return this;
            }

            public Builder steps(Integer steps) {
                this.steps = steps;
                return this;
            }

            public Builder batchSize(Integer batchSize) {
                this.batchSize = batchSize;
                return this;
            }

            public Builder lr(Double lr) {
                this.lr = lr;
                return this;
            }

            public Builder minLr(Double minLr) {
                this.minLr = minLr;
                return this;
            }

            public Builder warmup(Integer warmup) {
                this.warmup = warmup;
                return this;
            }

            public Builder weightDecay(Double weightDecay) {
                this.weightDecay = weightDecay;
                return this;
            }

            public Builder tieWordEmbeddings(Boolean tieWordEmbeddings) {
                this.tieWordEmbeddings = tieWordEmbeddings;
                return this;
            }

            public Builder init(String init) {
                this.init = init;
                return this;
            }

            public Builder ema(Double ema) {
                this.ema = ema;
                return this;
            }

            public Builder dropout(Double dropout) {
                this.dropout = dropout;
                return this;
            }

            public Builder gradClip(Double gradClip) {
                this.gradClip = gradClip;
                return this;
            }

            public Builder seed(Long seed) {
                this.seed = seed;
                return this;
            }

            public Builder testFraction(Double testFraction) {
                this.testFraction = testFraction;
                return this;
            }

            public Builder evalInterval(Integer evalInterval) {
                this.evalInterval = evalInterval;
                return this;
            }

            public Builder evalBatches(Integer evalBatches) {
                this.evalBatches = evalBatches;
                return this;
            }

            public Builder stream(boolean stream) {
                this.stream = stream;
                return this;
            }

            public Builder shuffleBuffer(Integer shuffleBuffer) {
                this.shuffleBuffer = shuffleBuffer;
                return this;
            }

            public Builder resume(boolean resume) {
                this.resume = resume;
                return this;
            }

            public Builder overwrite(boolean overwrite) {
                this.overwrite = overwrite;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(
                        tokens,
                        out,
                        preset,
                        layers,
                        heads,
                        embd,
                        blockSize,
                        steps,
                        batchSize,
                        lr,
                        minLr,
                        warmup,
                        weightDecay,
                        tieWordEmbeddings,
                        init,
                        ema,
                        dropout,
                        gradClip,
                        seed,
                        testFraction,
                        evalInterval,
                        evalBatches,
                        stream,
                        shuffleBuffer,
                        resume,
                        overwrite);
            }
        }
    }

    /**
     * What {@code train} wrote.
     *
     * @param model the model directory (config.json, model.safetensors, tokenizer.json,
     *     optimizer.safetensors, heldout.txt, curve.csv)
     * @param training the run: steps, losses, the best held-out checkpoint, tokens/s
     */
    public record Result(Path model, TrainingRun.Result training) implements JobResult {

        /** {@code train} writes no table. */
        @Override
        public List<WrittenTable> tables() {
            return List.of();
        }
    }

    private final Options options;

    public TrainJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Trains in {@code spark} (which reads the tokens table); prints nothing. */
    public Result run(SparkSession spark) throws IOException {
        return run(JobContext.forApi(spark, "train", options));
    }

    /** Trains as the CLI does, printing the run's figures to {@code context}. */
    public Result run(JobContext context) throws IOException {
        Presets.Values values = new Presets.Values(options.preset());
        String runDir = Tables.tokensRunDir(context.spark(), options.tokens());
        Path tokenizerFile = localTokenizer(context.spark(), runDir);
        context.describe("train: read the tokens table");
        String table = Tables.path(runDir, Schemas.TOKENS);
        Dataset<Row> tokens =
                Tables.read(context.spark(), runDir, Schemas.TOKENS, "tokenize").select("sample_id", "token_ids");
        Dataset<Row> usable =
                tokens.where(functions.size(functions.col("token_ids")).geq(2)); // others have no target
        try (TextTokenizer tokenizer = Tokenizers.load(tokenizerFile)) {
            Shape shape = shape(tokens, table, tokenizer.vocabSize());
            if (shape.samples() > shape.usable()) {
                context.print(
                        "skipped        %,d samples of fewer than 2 tokens (nothing to predict)",
                        shape.samples() - shape.usable());
            }
            GptConfig model = modelConfig(options, values, tokenizer, shape.longestId(), shape.longest());
            TrainConfig train = trainConfig(options, values);
            double testFraction = values.number("test-fraction", options.testFraction(), 0.1);
            JsonObject metadata = new JsonObject();
            metadata.addProperty("preset", options.preset());
            metadata.addProperty("tokens_table", table);
            metadata.addProperty("tokenizer", tokenizer.isCharLevel() ? "char" : "bpe");
            context.print(
                    "train          %,d samples from %s, vocab %d (%s), model %d layers x %d heads, d_model %d, n_positions %d, %,d parameters",
                    shape.usable(),
                    table,
                    model.vocabSize(),
                    tokenizer.isCharLevel() ? "char" : "bpe",
                    model.nLayer(),
                    model.nHead(),
                    model.nEmbd(),
                    model.nPositions(),
                    model.parameterCount());
            TrainingRun.Spec spec = new TrainingRun.Spec(
                    options.out(),
                    model,
                    train,
                    tokenizerFile,
                    tokenizer.isCharLevel(),
                    testFraction,
                    options.resume(),
                    options.overwrite(),
                    metadata);
            long available = sampleMemory(
                    Runtime.getRuntime().maxMemory(),
                    context.spark().sparkContext().getConf().getDouble("spark.memory.fraction", 0.6));
            TrainingRun.Result result = !options.stream() && shape.bytes() <= available
                    ? TrainingRun.run(
                            spec, collect(StreamedTokens.inChunks(usable, shape.bytes()), shape.usable()), System.err)
                    : streamed(context, options, spec, usable, shape, available);
            report(context, options.out(), result);
            return new Result(options.out(), result);
        }
    }

    /**
     * Trains on {@code usable} read as a stream ({@link StreamedTokens}), with a shuffle buffer of
     * {@code --shuffle-buffer} samples, fewer when they would not fit into half of {@code
     * available} bytes at the corpus' mean sample size.
     */
    private static TrainingRun.Result streamed(
            JobContext context,
            Options options,
            TrainingRun.Spec spec,
            Dataset<Row> usable,
            Shape shape,
            long available)
            throws IOException {
        long perSample = Math.max(1, shape.bytes() / shape.usable());
        int capacity = (int) Math.max(
                1,
                Math.min(
                        options.shuffleBuffer() != null ? options.shuffleBuffer() : SHUFFLE_BUFFER_DEFAULT,
                        available / 2 / perSample));
        context.print(
                "stream         %,d samples of %,d tokens (~%,d MB) %s; streaming them from the table through a shuffle buffer of %,d samples",
                shape.usable(),
                shape.tokens(),
                shape.bytes() >> 20,
                options.stream()
                        ? "(--stream)"
                        : String.format("would not fit into the driver's %,d MB of Spark user memory", available >> 20),
                capacity);
        return TrainingRun.run(
                spec,
                StreamedTokens.open(usable, shape, spec.train(), spec.testFraction(), spec.charLevel(), capacity),
                System.err);
    }

    /**
     * The bytes of driver heap the samples may take: Spark's user memory, what its memory manager
     * leaves to user data structures, {@code (heap − 300 MiB)·(1 − spark.memory.fraction)}. In
     * local mode the driver is also the executor, and the rest of the heap is its storage and
     * execution memory (the shuffle that reads a large table in chunks runs there).
     */
    static long sampleMemory(long maxHeap, double memoryFraction) {
        return (long) (Math.max(0, maxHeap - SPARK_RESERVED_BYTES) * (1 - memoryFraction));
    }

    /**
     * What {@code train} needs to know of the table before reading it: samples, usable samples (2
     * or more tokens), their tokens, the longest usable sample, and the memory their arrays take.
     */
    record Shape(long samples, long usable, long tokens, long longestId, int longest) {
        long bytes() {
            return tokens * Integer.BYTES + usable * SAMPLE_OVERHEAD_BYTES;
        }
    }

    /**
     * One aggregation over the table (and a second to name a sample when an id is out of range).
     *
     * @throws BadInputException when the table is empty, no sample has 2 tokens, or an id is
     *     outside the vocabulary (naming the sample)
     */
    static Shape shape(Dataset<Row> tokens, String table, int vocab) {
        var size = functions.size(functions.col("token_ids"));
        var usable = size.geq(2);
        Row row = tokens.agg(
                        functions.count(functions.lit(1)),
                        functions.count(functions.when(usable, true)),
                        functions.coalesce(functions.sum(functions.when(usable, size)), functions.lit(0L)),
                        functions.max_by(functions.col("sample_id"), functions.when(usable, size)),
                        functions.max(functions.when(usable, size)),
                        functions.min(functions.array_min(functions.col("token_ids"))),
                        functions.max(functions.array_max(functions.col("token_ids"))))
                .first();
        if (row.getLong(0) == 0) {
            throw new BadInputException("%s: the tokens table is empty", table);
        }
        if (row.getLong(1) == 0) {
            throw new BadInputException("%s: no sample has 2 or more tokens", table);
        }
        if ((!row.isNullAt(5) && row.getInt(5) < 0) || (!row.isNullAt(6) && row.getInt(6) >= vocab)) {
            String outside = "x < 0 or x >= " + vocab;
            Row bad = tokens.where(functions.expr("exists(token_ids, x -> " + outside + ")"))
                    .select(functions.col("sample_id"), functions.expr("filter(token_ids, x -> " + outside + ")[0]"))
                    .orderBy("sample_id")
                    .first();
            throw new BadInputException(
                    "tokens table: sample_id %d has token id %d, outside the tokenizer's vocabulary (%d ids): the table and tokenizer.json do not belong together",
                    bad.getLong(0), bad.getInt(1), vocab);
        }
        return new Shape(row.getLong(0), row.getLong(1), row.getLong(2), row.getLong(3), row.getInt(4));
    }

    /** The usable samples as int arrays in driver memory, read one partition at a time (never the whole table as rows). */
    private static List<TrainingRun.Sample> collect(Dataset<Row> usable, long count) {
        Iterator<Row> rows = usable.toLocalIterator();
        List<TrainingRun.Sample> samples = new ArrayList<>((int) Math.min(count, Integer.MAX_VALUE - 8));
        while (rows.hasNext()) {
            Row row = rows.next();
            samples.add(new TrainingRun.Sample(row.getLong(0), StreamedTokens.ids(row)));
        }
        return samples;
    }

    static GptConfig modelConfig(
            Options options, Presets.Values values, TextTokenizer tokenizer, long longestId, int longest) {
        int vocab = tokenizer.vocabSize();
        int blockSize = values.integer("block-size", options.blockSize(), longest);
        if (blockSize < 2 || blockSize > MAX_BLOCK_SIZE) {
            throw new BadInputException("--block-size must be in 2..%d, got %d", MAX_BLOCK_SIZE, blockSize);
        }
        if (longest > blockSize) {
            throw new BadInputException(
                    "tokens table: sample_id %d has %d tokens, more than --block-size %d; tokenize with --block-size %d or raise --block-size",
                    longestId, longest, blockSize, blockSize);
        }
        int special = tokenizer
                .specialId(tokenizer.isCharLevel() ? "." : TokenizerJson.END_OF_TEXT)
                .orElse(0);
        return new GptConfig(
                vocab,
                blockSize,
                values.integer("embd", options.embd(), 64),
                values.integer("layers", options.layers(), 4),
                values.integer("heads", options.heads(), 4),
                GptConfig.LAYER_NORM_EPSILON_DEFAULT,
                values.flag("tie-word-embeddings", options.tieWordEmbeddings(), true),
                special,
                special);
    }

    static TrainConfig trainConfig(Options options, Presets.Values values) {
        double lr = values.number("lr", options.lr(), 1e-3);
        return new TrainConfig(
                values.integer("steps", options.steps(), 5000),
                values.integer("batch-size", options.batchSize(), 64),
                lr,
                values.number("min-lr", options.minLr(), lr / 10),
                values.integer("warmup", options.warmup(), 100),
                true,
                values.number("weight-decay", options.weightDecay(), 0.01),
                TrainConfig.BETA1_DEFAULT,
                TrainConfig.BETA2_DEFAULT,
                TrainConfig.EPS_DEFAULT,
                values.number("dropout", options.dropout(), 0.0),
                values.number("grad-clip", options.gradClip(), 1.0),
                options.seed() != null ? options.seed() : (long) values.number("seed", null, 1337),
                values.integer("eval-interval", options.evalInterval(), 250),
                values.integer("eval-batches", options.evalBatches(), 16),
                GptWeights.Init.parse(
                        values.string("init", options.init(), "gpt2"),
                        options.init() != null ? "--init" : "preset " + options.preset() + ": init"),
                values.number("ema", options.ema(), 0.0));
    }

    /**
     * The tokens' {@code tokenizer.json} as a local file (the trainer loads it, and the model
     * directory gets a copy): itself when the run directory is local, else a temporary copy read
     * through Hadoop's file system.
     */
    private static Path localTokenizer(SparkSession spark, String runDir) throws IOException {
        String file = Tables.path(runDir, Tokenizers.TOKENIZER_JSON);
        if (!Tables.exists(spark, file)) {
            throw new BadInputException(
                    "%s: no tokenizer.json next to the tokens table (it is written by `headwise tokenize`)", runDir);
        }
        Path local = Path.of(runDir).resolve(Tokenizers.TOKENIZER_JSON);
        if (Files.isRegularFile(local)) {
            return local;
        }
        Path copy = Files.createTempFile("headwise-tokenizer", ".json");
        copy.toFile().deleteOnExit();
        return Files.writeString(
                copy, io.headwise.jobs.corpus.TokenizerSource.read(spark, file).json());
    }

    private static void report(JobContext context, Path out, TrainingRun.Result r) {
        context.print(
                "steps          %d..%d in %.1f s, %,.0f tokens/s (%,d train / %,d held-out samples)",
                r.startStep(), r.last().step(), r.seconds(), r.tokensPerSecond(), r.nTrain(), r.nTest());
        context.print(
                "loss           train %.4f, held-out %.4f nats per token at step %d",
                r.last().trainLoss(), r.last().testLoss(), r.last().step());
        if (r.best() != null) {
            context.print(
                    "best           held-out %.4f at step %d: %s",
                    r.best().testLoss(), r.best().step(), out.resolve("model.safetensors"));
        }
        context.print(
                "wrote          %s (config.json, model.safetensors, tokenizer.json, optimizer.safetensors, heldout.txt, curve.csv)",
                out);
    }
}
