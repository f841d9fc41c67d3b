package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;

import io.headwise.BadInputException;
import io.headwise.Sha256;
import io.headwise.jobs.corpus.Corpus;
import io.headwise.jobs.corpus.ReadFailures;
import io.headwise.jobs.corpus.TokenizerSource;
import io.headwise.spark.Schemas;
import io.headwise.tokenize.BpeModel;
import io.headwise.tokenize.BpeTrainer;
import io.headwise.tokenize.PreTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    /** Options of {@code train-tokenizer}. */
    public static final class Options {
        @Mixin
        public CorpusOptions corpus;

        @Option(
                names = "--vocab-size",
                defaultValue = "" + VOCAB_SIZE_DEFAULT,
                paramLabel = "N",
                description =
                        "Ids in the vocabulary, everything counted: 256 bytes, merges and <|endoftext|> (default: ${DEFAULT-VALUE}).")
        public int vocabSize;

        @Option(
                names = "--out",
                required = true,
                paramLabel = "PATH/tokenizer.json",
                description = "Where to write the tokenizer; a directory gets tokenizer.json inside it.")
        public String out;
    }

    private TrainTokenizerJob() {}

    public static void run(JobContext context, Options options) {
        CorpusOptions corpus = options.corpus;
        corpus.validate();
        if (options.vocabSize < 257) {
            throw new BadInputException(
                    "--vocab-size %d is too small: it must hold the 256 bytes and <|endoftext|>", options.vocabSize);
        }
        SparkSession spark = context.spark();
        String file = options.out.endsWith(".json") ? options.out : Tables.path(options.out, Tokenizers.TOKENIZER_JSON);
        String dir = new Path(file).getParent().toString();
        if (!corpus.overwrite && Tables.exists(spark, file)) {
            throw new BadInputException("%s already exists; pass --overwrite to replace it", file);
        }
        Tables.checkWritable(spark, dir, Schemas.REJECTS, corpus.overwrite);
        List<String> files = corpus.files(spark);
        try {
            context.describe("train-tokenizer " + corpus.input);
            Corpus documents = corpus.read(spark, files);
            Dataset<Row> docs = documents.documents().persist();
            String fileName = new Path(file).getName();
            try (RunStaging staging =
                    RunStaging.create(context, dir, List.of(Schemas.REJECTS, fileName), corpus.overwrite)) {
                long rejected = Tables.write(
                        spark.createDataFrame(
                                docs.filter(col("reason").isNotNull())
                                        .select("source", "doc_id", "reason", "excerpt")
                                        .rdd(),
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
                BpeModel model = BpeTrainer.train(counts, options.vocabSize);
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
                        .detail("format", corpus.format)
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
            } finally {
                docs.unpersist();
            }
        } catch (Exception e) {
            throw ReadFailures.translate(e);
        } finally {
            corpus.restore(spark);
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
