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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import picocli.CommandLine.Option;

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

    /** Options of {@code train}; unset numeric options come from {@code --preset}, else defaults. */
    public static final class Options {
        @Option(
                names = "--tokens",
                required = true,
                paramLabel = "DIR",
                description = "Run directory with the tokens table (or the table itself) and its tokenizer.json.")
        public String tokens;

        @Option(names = "--out", required = true, paramLabel = "MODEL_DIR", description = "Model directory to write.")
        public Path out;

        @Option(
                names = "--preset",
                paramLabel = "NAME",
                description = "conf/presets/NAME.properties: names-makemore, names-demo, wiki-bpe.")
        public String preset;

        @Option(names = "--layers", description = "Blocks (default 4).")
        public Integer layers;

        @Option(names = "--heads", description = "Heads per block (default 4).")
        public Integer heads;

        @Option(names = "--embd", description = "Width of the residual stream (default 64).")
        public Integer embd;

        @Option(names = "--block-size", description = "Context length n_positions (default: the longest sample).")
        public Integer blockSize;

        @Option(names = "--steps", description = "Optimiser steps in the whole run (default 5000).")
        public Integer steps;

        @Option(names = "--batch-size", description = "Samples per step (default 64).")
        public Integer batchSize;

        @Option(names = "--lr", description = "Peak learning rate (default 1e-3).")
        public Double lr;

        @Option(names = "--min-lr", description = "Learning rate at the end of the cosine decay (default lr/10).")
        public Double minLr;

        @Option(
                names = "--warmup",
                description = "Linear warm-up steps (default 100); 0 and --min-lr equal to --lr give a constant rate.")
        public Integer warmup;

        @Option(names = "--weight-decay", description = "AdamW weight decay on matrices and embeddings (default 0.01).")
        public Double weightDecay;

        @Option(
                names = "--tie-word-embeddings",
                arity = "1",
                paramLabel = "true|false",
                description =
                        "Whether the LM head reuses wte (GPT-2) or has its own lm_head.weight (makemore) (default true).")
        public Boolean tieWordEmbeddings;

        @Option(
                names = "--init",
                paramLabel = "gpt2|pytorch",
                description =
                        "Initial weights: gpt2 (N(0, 0.02), GPT-2 and nanoGPT) or pytorch (PyTorch's module defaults, as makemore) (default gpt2).")
        public String init;

        @Option(
                names = "--ema",
                paramLabel = "DECAY",
                description =
                        "Keep an exponential moving average of the weights with this decay (e.g. 0.999) and evaluate and save it instead of the trained weights; 0 = off (default 0).")
        public Double ema;

        @Option(names = "--dropout", description = "Dropout probability (default 0).")
        public Double dropout;

        @Option(names = "--grad-clip", description = "Largest global gradient norm, 0 = off (default 1.0).")
        public Double gradClip;

        @Option(names = "--seed", description = "Seeds initialisation, batches and dropout (default 1337).")
        public Long seed;

        @Option(
                names = "--test-fraction",
                description = "Held-out fraction of the samples (default 0.1; at most 1,000 for char-level corpora).")
        public Double testFraction;

        @Option(names = "--eval-interval", description = "Evaluate and maybe save every N steps (default 250).")
        public Integer evalInterval;

        @Option(names = "--eval-batches", description = "Batches per split in an evaluation (default 16).")
        public Integer evalBatches;

        @Option(
                names = "--stream",
                description =
                        "Stream the samples from the table through a shuffle buffer instead of holding them in driver memory (automatic when they would not fit).")
        public boolean stream;

        @Option(
                names = "--shuffle-buffer",
                paramLabel = "N",
                description =
                        "Samples the shuffle buffer of a streamed run holds (default 100,000; fewer when they would not fit).")
        public Integer shuffleBuffer;

        @Option(names = "--resume", description = "Continue training MODEL_DIR from its checkpoint.")
        public boolean resume;

        @Option(names = "--overwrite", description = "Replace an existing MODEL_DIR.")
        public boolean overwrite;
    }

    private TrainJob() {}

    public static void run(JobContext context, Options options) throws IOException {
        if (options.resume && options.overwrite) {
            throw new BadInputException("--resume and --overwrite exclude each other");
        }
        Presets.Values values = new Presets.Values(options.preset);
        String runDir = Tables.tokensRunDir(context.spark(), options.tokens);
        Path tokenizerFile = Path.of(runDir).resolve(Tokenizers.TOKENIZER_JSON);
        if (!Files.isRegularFile(tokenizerFile)) {
            throw new BadInputException(
                    "%s: no tokenizer.json next to the tokens table (it is written by `headwise tokenize`)", runDir);
        }
        if (options.shuffleBuffer != null && options.shuffleBuffer < 1) {
            throw new BadInputException("--shuffle-buffer must be at least 1, got %d", options.shuffleBuffer);
        }
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
            double testFraction = values.number("test-fraction", options.testFraction, 0.1);
            JsonObject metadata = new JsonObject();
            metadata.addProperty("preset", options.preset);
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
                    options.out,
                    model,
                    train,
                    tokenizerFile,
                    tokenizer.isCharLevel(),
                    testFraction,
                    options.resume,
                    options.overwrite,
                    metadata);
            long available = sampleMemory(
                    Runtime.getRuntime().maxMemory(),
                    context.spark().sparkContext().getConf().getDouble("spark.memory.fraction", 0.6));
            TrainingRun.Result result = !options.stream && shape.bytes() <= available
                    ? TrainingRun.run(
                            spec, collect(StreamedTokens.inChunks(usable, shape.bytes()), shape.usable()), System.err)
                    : streamed(context, options, spec, usable, shape, available);
            report(context, options.out, result);
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
                        options.shuffleBuffer != null ? options.shuffleBuffer : SHUFFLE_BUFFER_DEFAULT,
                        available / 2 / perSample));
        context.print(
                "stream         %,d samples of %,d tokens (~%,d MB) %s; streaming them from the table through a shuffle buffer of %,d samples",
                shape.usable(),
                shape.tokens(),
                shape.bytes() >> 20,
                options.stream
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
        int blockSize = values.integer("block-size", options.blockSize, longest);
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
                values.integer("embd", options.embd, 64),
                values.integer("layers", options.layers, 4),
                values.integer("heads", options.heads, 4),
                GptConfig.LAYER_NORM_EPSILON_DEFAULT,
                values.flag("tie-word-embeddings", options.tieWordEmbeddings, true),
                special,
                special);
    }

    static TrainConfig trainConfig(Options options, Presets.Values values) {
        double lr = values.number("lr", options.lr, 1e-3);
        return new TrainConfig(
                values.integer("steps", options.steps, 5000),
                values.integer("batch-size", options.batchSize, 64),
                lr,
                values.number("min-lr", options.minLr, lr / 10),
                values.integer("warmup", options.warmup, 100),
                true,
                values.number("weight-decay", options.weightDecay, 0.01),
                TrainConfig.BETA1_DEFAULT,
                TrainConfig.BETA2_DEFAULT,
                TrainConfig.EPS_DEFAULT,
                values.number("dropout", options.dropout, 0.0),
                values.number("grad-clip", options.gradClip, 1.0),
                options.seed != null ? options.seed : (long) values.number("seed", null, 1337),
                values.integer("eval-interval", options.evalInterval, 250),
                values.integer("eval-batches", options.evalBatches, 16),
                GptWeights.Init.parse(
                        values.string("init", options.init, "gpt2"),
                        options.init != null ? "--init" : "preset " + options.preset + ": init"),
                values.number("ema", options.ema, 0.0));
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
