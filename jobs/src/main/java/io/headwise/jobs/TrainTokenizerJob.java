package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;

import io.headwise.BadInputException;
import io.headwise.Sha256;
import io.headwise.jobs.corpus.Corpus;
import io.headwise.jobs.corpus.ReadFailures;
import io.headwise.jobs.corpus.TokenizerSource;
import io.headwise.spark.Schemas;
import io.headwise.spark.SparkRows;
import io.headwise.tokenize.BpeModel;
import io.headwise.tokenize.BpeTrainer;
import io.headwise.tokenize.PreTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code train-tokenizer}: byte-level BPE as in GPT-2, trained on a cluster. Executors split every
 * document with the Llama 3 pre-tokenizer pattern and count the pieces ({@code groupBy}); the
 * driver collects the distinct pieces with their counts and runs the merge loop ({@link
 * BpeTrainer}). Writes a Hugging Face {@code tokenizer.json}; {@code rejects} and {@code
 * run_manifest} go into the directory that holds it.
 */
public final class TrainTokenizerJob {

    private static final Logger LOG = LoggerFactory.getLogger(TrainTokenizerJob.class);

    /** {@code --vocab-size} when not given. */
    public static final int VOCAB_SIZE_DEFAULT = 2000;

    /**
     * Options of {@code train-tokenizer}, checked when built.
     *
     * @param corpus what to read ({@code --input}, {@code --format}, …)
     * @param vocabSize ids in the vocabulary, everything counted: 256 bytes, merges and {@code
     *     <|endoftext|>}; {@code --vocab-size}
     * @param out where to write the tokenizer; a directory gets tokenizer.json inside it; {@code
     *     --out}
     */
    public record Options(CorpusOptions corpus, int vocabSize, String out) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(corpus, "--input");
            OptionChecks.required(out, "--out");
            if (vocabSize < 257) {
                throw new BadInputException(
                        "--vocab-size %d is too small: it must hold the 256 bytes and <|endoftext|>", vocabSize);
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code corpus} and {@code out}; {@code vocabSize} has a default. */
        public static final class Builder {
            private CorpusOptions corpus;
            private int vocabSize = VOCAB_SIZE_DEFAULT;
            private String out;

            private Builder() {}

            public Builder corpus(CorpusOptions corpus) {
                this.corpus = corpus;
                return this;
            }

            public Builder vocabSize(int vocabSize) {
                this.vocabSize = vocabSize;
                return this;
            }

            public Builder out(String out) {
                this.out = out;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(corpus, vocabSize, out);
            }
        }
    }

    /**
     * What {@code train-tokenizer} wrote.
     *
     * @param tables {@code rejects}, its directory and rows
     * @param tokenizer the tokenizer.json written
     * @param vocabSize its ids
     * @param merges its merges
     * @param preTokens distinct pre-tokens counted
     * @param documents the input documents used
     * @param inputFiles the input files read
     * @param skipped pages skipped, not rejected, by reason (wiki: redirects, other namespaces)
     */
    public record Result(
            List<WrittenTable> tables,
            String tokenizer,
            int vocabSize,
            int merges,
            int preTokens,
            long documents,
            int inputFiles,
            Map<String, Long> skipped)
            implements JobResult {}

    private final Options options;

    public TrainTokenizerJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Runs the job in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) {
        return run(JobContext.forApi(spark, "train-tokenizer", options));
    }

    /** Runs the job as the CLI does, printing what it wrote to {@code context}. */
    public Result run(JobContext context) {
        CorpusOptions corpus = options.corpus();
        SparkSession spark = context.spark();
        String file =
                options.out().endsWith(".json") ? options.out() : Tables.path(options.out(), Tokenizers.TOKENIZER_JSON);
        String dir = new Path(file).getParent().toString();
        if (!corpus.overwrite() && Tables.exists(spark, file)) {
            throw new BadInputException("%s already exists; pass --overwrite to replace it", file);
        }
        Tables.checkWritable(spark, dir, Schemas.REJECTS, corpus.overwrite());
        List<String> files = corpus.files(spark);
        String maxPartitionBytes = CorpusOptions.maxPartitionBytes(spark);
        try {
            context.describe("train-tokenizer " + corpus.input());
            Corpus documents = corpus.read(spark, files);
            Dataset<Row> docs = documents.documents().persist();
            String fileName = new Path(file).getName();
            try (RunStaging staging =
                    RunStaging.create(context, dir, List.of(Schemas.REJECTS, fileName), corpus.overwrite())) {
                long rejected = Tables.write(
                        SparkRows.withSchema(
                                docs.filter(col("reason").isNotNull()).select("source", "doc_id", "reason", "excerpt"),
                                Schemas.REJECTS_SCHEMA),
                        staging.dir(),
                        Schemas.REJECTS);
                long usable = docs.filter(col("reason").isNull()).count();
                try {
                    corpus.checkRejects(rejected, rejected + usable, Tables.path(dir, Schemas.REJECTS));
                } catch (BadInputException e) {
                    staging.commit(List.of(Schemas.REJECTS)); // the message sends the user there
                    throw e;
                }
                Map<String, Long> counts = pieceCounts(docs);
                long started = System.nanoTime();
                BpeModel model = BpeTrainer.train(counts, options.vocabSize());
                double seconds = (System.nanoTime() - started) / 1e9;
                LOG.info(
                        "BPE merge loop: {} merges over {} distinct pre-tokens in {} s",
                        model.merges().size(),
                        counts.size(),
                        seconds);
                String json = model.toTokenizerJson();
                TokenizerSource.write(spark, staging.path(fileName), json);
                staging.commit(List.of(Schemas.REJECTS, fileName));

                RunManifest manifest = new RunManifest(context)
                        .inputs(files)
                        .detail("format", corpus.format())
                        .detail("vocab_size", String.valueOf(model.vocabSize()))
                        .detail("merges", String.valueOf(model.merges().size()))
                        .detail("pre_tokens", String.valueOf(counts.size()))
                        .detail("documents", String.valueOf(usable))
                        .detail("tokenizer", file)
                        .detail("tokenizer_sha256", Sha256.hex(json));
                documents.counts().forEach((key, count) -> {
                    manifest.detail(key, String.valueOf(count));
                    context.print("%-14s %,12d pages skipped (not rejects)", key, count);
                });
                manifest.rows(Schemas.REJECTS, Tables.path(dir, Schemas.REJECTS), rejected);
                context.print(
                        "%-14s %,12d used, from %d input file(s); %,d distinct pre-tokens",
                        "documents", usable, files.size(), counts.size());
                context.print(
                        "%-14s %s: %,d tokens, %,d merges (merge loop %.1f s)",
                        "tokenizer", file, model.vocabSize(), model.merges().size(), seconds);
                manifest.append(dir);
                return new Result(
                        manifest.written(),
                        file,
                        model.vocabSize(),
                        model.merges().size(),
                        counts.size(),
                        usable,
                        files.size(),
                        Collections.unmodifiableMap(new LinkedHashMap<>(documents.counts())));
            } finally {
                docs.unpersist();
            }
        } catch (Exception e) {
            throw ReadFailures.translate(e);
        } finally {
            corpus.restore(spark, maxPartitionBytes);
        }
    }

    /** Pre-token → number of occurrences over the usable documents, counted by the executors. */
    static Map<String, Long> pieceCounts(Dataset<Row> documents) {
        List<Row> rows = documents
                .filter(col("text").isNotNull())
                .select(col("text"))
                .flatMap(
                        (FlatMapFunction<Row, String>)
                                row -> PreTokenizer.split(row.getString(0)).iterator(),
                        Encoders.STRING())
                .groupBy("value")
                .count()
                .collectAsList();
        Map<String, Long> counts = new HashMap<>(rows.size() * 2);
        for (Row row : rows) {
            counts.put(row.getString(0), row.getLong(1));
        }
        return counts;
    }
}
