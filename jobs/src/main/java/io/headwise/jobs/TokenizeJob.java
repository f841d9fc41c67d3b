package io.headwise.jobs;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import io.headwise.BadInputException;
import io.headwise.Sha256;
import io.headwise.corpus.Windows;
import io.headwise.jobs.corpus.Corpus;
import io.headwise.jobs.corpus.ReadFailures;
import io.headwise.jobs.corpus.TokenizerSource;
import io.headwise.spark.CorpusRows;
import io.headwise.spark.DocumentTokenizer;
import io.headwise.spark.Schemas;
import io.headwise.spark.SparkRows;
import io.headwise.tokenize.CharTokenizer;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * {@code tokenize}: corpus → {@code tokens} (one row per sample) and {@code rejects}, plus a copy of
 * the tokenizer used as {@code DIR/tokenizer.json}. {@code sample_id} is Spark's {@code
 * xxhash64(source, doc_id, chunk)} (seed 42), with {@code source} the input file's base name, so a
 * sample keeps its id when the same file is read from another directory or with other splits.
 */
public final class TokenizeJob {

    /** The {@code --tokenizer} value that builds a char-level vocabulary from the corpus. */
    public static final String CHAR = "char";

    /** {@code --block-size} when not given: GPT-2's context length. */
    public static final int BLOCK_SIZE_DEFAULT = 1024;

    /** {@code --stride} when not given: no overlap. */
    public static final int STRIDE_DEFAULT = 0;

    /**
     * Options of {@code tokenize}, checked when built.
     *
     * @param corpus what to read ({@code --input}, {@code --format}, …)
     * @param tokenizer {@value #CHAR} (a char-level vocabulary built from the corpus, lines only),
     *     a tokenizer.json, or a model directory holding one; {@code --tokenizer}
     * @param blockSize most tokens per sample, separator included; {@code --block-size}
     * @param stride document tokens between the starts of consecutive samples, 0 for no overlap;
     *     {@code --stride}
     * @param out run directory to write tokens and rejects into; {@code --out}
     */
    public record Options(CorpusOptions corpus, String tokenizer, int blockSize, int stride, String out) {

        /** @throws BadInputException naming the option at fault */
        public Options {
            OptionChecks.required(corpus, "--input");
            OptionChecks.required(tokenizer, "--tokenizer");
            OptionChecks.required(out, "--out");
            if (blockSize < 2) {
                throw new BadInputException("--block-size must be at least 2, got %d", blockSize);
            }
            if (tokenizer.equals(CHAR) && corpus.corpusFormat() != Corpus.Format.LINES) {
                throw new BadInputException(
                        "--tokenizer char needs --format lines (a char-level vocabulary is for names)");
            }
        }

        public static Builder builder() {
            return new Builder();
        }

        /** Sets {@code corpus}, {@code tokenizer} and {@code out}; the rest has defaults. */
        public static final class Builder {
            private CorpusOptions corpus;
            private String tokenizer;
            private int blockSize = BLOCK_SIZE_DEFAULT;
            private int stride = STRIDE_DEFAULT;
            private String out;

            private Builder() {}

            public Builder corpus(CorpusOptions corpus) {
                this.corpus = corpus;
                return this;
            }

            public Builder tokenizer(String tokenizer) {
                this.tokenizer = tokenizer;
                return this;
            }

            public Builder blockSize(int blockSize) {
                this.blockSize = blockSize;
                return this;
            }

            public Builder stride(int stride) {
                this.stride = stride;
                return this;
            }

            public Builder out(String out) {
                this.out = out;
                return this;
            }

            /** @throws BadInputException naming the option at fault */
            public Options build() {
                return new Options(corpus, tokenizer, blockSize, stride, out);
            }
        }
    }

    /**
     * What {@code tokenize} wrote.
     *
     * @param tables {@code tokens} and {@code rejects}, their directories and rows
     * @param documents the input documents used (lines, pages or files)
     * @param inputFiles the input files read
     * @param skipped pages skipped, not rejected, by reason (wiki: redirects, other namespaces)
     * @param tokenizer the copy of the tokenizer written beside the tables
     * @param tokenizerSha256 its SHA-256
     */
    public record Result(
            List<WrittenTable> tables,
            long documents,
            int inputFiles,
            Map<String, Long> skipped,
            String tokenizer,
            String tokenizerSha256)
            implements JobResult {}

    private final Options options;

    public TokenizeJob(Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** Runs the job in {@code spark}; prints nothing. */
    public Result run(SparkSession spark) {
        return run(JobContext.forApi(spark, "tokenize", options));
    }

    /** Runs the job as the CLI does, printing what it wrote to {@code context}. */
    public Result run(JobContext context) {
        CorpusOptions corpus = options.corpus();
        SparkSession spark = context.spark();
        boolean charLevel = options.tokenizer().equals(CHAR);
        Tables.checkWritable(spark, options.out(), Schemas.TOKENS, corpus.overwrite());
        Tables.checkWritable(spark, options.out(), Schemas.REJECTS, corpus.overwrite());
        List<String> files = corpus.files(spark);
        String maxPartitionBytes = CorpusOptions.maxPartitionBytes(spark);
        try {
            context.describe("tokenize " + corpus.input());
            Corpus documents = corpus.read(spark, files);
            TokenizerSource tokenizer =
                    charLevel ? charTokenizer(documents.documents()) : TokenizerSource.read(spark, options.tokenizer());
            checkTokenizer(tokenizer, options);
            Dataset<Row> outcomes = documents
                    .documents()
                    .mapPartitions(
                            new DocumentTokenizer(
                                    tokenizer.json(), tokenizer.name(), options.blockSize(), options.stride()),
                            Encoders.row(CorpusRows.OUTCOME))
                    .persist(StorageLevel.MEMORY_AND_DISK());
            try {
                return write(context, options, files, documents, tokenizer, outcomes);
            } finally {
                outcomes.unpersist();
            }
        } catch (Exception e) {
            throw ReadFailures.translate(e);
        } finally {
            corpus.restore(spark, maxPartitionBytes);
        }
    }

    private static Result write(
            JobContext context,
            Options options,
            List<String> files,
            Corpus documents,
            TokenizerSource tokenizer,
            Dataset<Row> outcomes) {
        Dataset<Row> rejects = outcomes.filter(col("reason").isNotNull())
                .select(col("source"), col("doc_id"), col("reason"), col("excerpt"));
        Dataset<Row> tokens = outcomes.filter(col("reason").isNull())
                .select(
                        xxhash64(col("source"), col("doc_id"), col("chunk")).as("sample_id"),
                        col("source"),
                        col("doc_id"),
                        col("title"),
                        col("chunk"),
                        col("token_ids"),
                        col("tokens"));
        SparkSession spark = context.spark();
        String rejectsDir = Tables.path(options.out(), Schemas.REJECTS);
        List<String> written = List.of(Schemas.REJECTS, Schemas.TOKENS, Tokenizers.TOKENIZER_JSON);
        try (RunStaging staging = RunStaging.create(
                context,
                options.out(),
                List.of(Schemas.TOKENS, Schemas.REJECTS),
                options.corpus().overwrite())) {
            long rejected =
                    Tables.write(SparkRows.withSchema(rejects, Schemas.REJECTS_SCHEMA), staging.dir(), Schemas.REJECTS);
            long accepted = outcomes.filter(col("chunk").equalTo(0)).count();
            try {
                options.corpus().checkRejects(rejected, rejected + accepted, rejectsDir);
            } catch (BadInputException e) {
                staging.commit(List.of(Schemas.REJECTS)); // the message sends the user there
                throw e;
            }
            long samples =
                    Tables.write(SparkRows.withSchema(tokens, Schemas.TOKENS_SCHEMA), staging.dir(), Schemas.TOKENS);
            TokenizerSource.write(spark, staging.path(Tokenizers.TOKENIZER_JSON), tokenizer.json());
            staging.commit(written);
            String tokenizerCopy = Tables.path(options.out(), Tokenizers.TOKENIZER_JSON);
            RunManifest manifest = new RunManifest(context)
                    .inputs(files)
                    .detail("format", options.corpus().format())
                    .detail("tokenizer", tokenizer.name())
                    .detail("tokenizer_sha256", Sha256.hex(tokenizer.json()))
                    .detail("block_size", String.valueOf(options.blockSize()))
                    .detail("stride", String.valueOf(options.stride()))
                    .detail("documents", String.valueOf(accepted));
            manifest.rows(Schemas.TOKENS, Tables.path(options.out(), Schemas.TOKENS), samples);
            manifest.rows(Schemas.REJECTS, rejectsDir, rejected);
            documents.counts().forEach((key, count) -> {
                manifest.detail(key, String.valueOf(count));
                context.print("%-14s %,12d pages skipped (not rejects)", key, count);
            });
            context.print("%-14s %,12d used, from %d input file(s)", "documents", accepted, files.size());
            context.print("%-14s %s (sha256 %s)", "tokenizer", tokenizerCopy, Sha256.hex(tokenizer.json()));
            manifest.append(options.out());
            return new Result(
                    manifest.written(),
                    accepted,
                    files.size(),
                    Collections.unmodifiableMap(new LinkedHashMap<>(documents.counts())),
                    tokenizerCopy,
                    Sha256.hex(tokenizer.json()));
        }
    }

    /**
     * Loads the tokenizer once on the driver, so that a broken one fails before any task runs, and
     * checks that {@code --stride} fits the window it leaves.
     */
    private static void checkTokenizer(TokenizerSource source, Options options) {
        int separator;
        try (TextTokenizer tokenizer = Tokenizers.fromJson(source.json(), source.name())) {
            separator = DocumentTokenizer.separator(tokenizer, source.name());
        }
        try {
            Windows.step(Windows.width(options.blockSize(), separator), options.stride());
        } catch (IllegalArgumentException e) {
            throw new BadInputException(
                    e, "--block-size %d, --stride %d: %s", options.blockSize(), options.stride(), e.getMessage());
        }
    }

    /**
     * The makemore vocabulary of the usable lines: {@code .} then their characters in code-point
     * order. Lines with a {@code .} are left out here and rejected when tokenized.
     */
    private static TokenizerSource charTokenizer(Dataset<Row> documents) {
        List<Integer> codePoints = documents
                .filter(col("text").isNotNull())
                .select(col("text"))
                .flatMap((FlatMapFunction<Row, Integer>) row -> distinctCodePoints(row.getString(0)), Encoders.INT())
                .distinct()
                .collectAsList();
        List<String> chars = new ArrayList<>();
        for (int cp : new TreeSet<>(codePoints)) {
            if (cp != '.') {
                chars.add(Character.toString(cp));
            }
        }
        if (chars.isEmpty()) {
            throw new BadInputException("--tokenizer char: the input has no usable line to build a vocabulary from");
        }
        return new TokenizerSource(CharTokenizer.fromCorpus(chars).toTokenizerJson(), "char (built from the corpus)");
    }

    private static Iterator<Integer> distinctCodePoints(String text) {
        if (text.indexOf('.') >= 0) {
            return Collections.emptyIterator();
        }
        return text.codePoints().distinct().boxed().iterator();
    }
}
