package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.jobs.corpus.Corpus;
import io.headwise.jobs.corpus.InputFiles;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** The options of {@code tokenize} and {@code train-tokenizer} that say what corpus to read. */
public final class CorpusOptions {

    private static final Logger LOG = LoggerFactory.getLogger(CorpusOptions.class);

    /** {@code --max-reject-fraction} when not given. */
    public static final double MAX_REJECT_FRACTION_DEFAULT = 0.01;

    /** Spark's split size for file sources, which {@code --split-size} sets for the XML reader. */
    private static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";

    @Option(
            names = "--input",
            required = true,
            paramLabel = "PATH",
            description = "Input file, directory or glob, any Hadoop URI; .bz2/.gz are decompressed.")
    public String input;

    @Option(
            names = "--format",
            required = true,
            paramLabel = "lines|wiki|text",
            description =
                    "lines: one sample per non-empty line; wiki: MediaWiki XML dumps; text: one document per file.")
    public String format;

    @Option(
            names = "--namespaces",
            split = ",",
            paramLabel = "NS[,NS...]",
            defaultValue = "0",
            description = "wiki: namespace numbers of the pages to use (default: ${DEFAULT-VALUE}, articles).")
    public List<Long> namespaces;

    @Option(names = "--paragraphs", description = "text: one document per blank-line separated paragraph.")
    public boolean paragraphs;

    @Option(
            names = "--split-size",
            paramLabel = "BYTES",
            defaultValue = "0",
            description = "Largest input split in bytes (more, smaller tasks); 0 for Spark's and Hadoop's defaults.")
    public long splitSize;

    @Option(
            names = "--max-reject-fraction",
            paramLabel = "F",
            defaultValue = "" + MAX_REJECT_FRACTION_DEFAULT,
            description =
                    "Fail when more than this fraction of the input records is rejected (default: ${DEFAULT-VALUE}).")
    public double maxRejectFraction;

    @Option(names = "--overwrite", description = "Replace existing output.")
    public boolean overwrite;

    /** The session's split size before {@link #read} changed it, for {@link #restore}. */
    private String previousMaxPartitionBytes;

    Corpus.Format format() {
        return Corpus.Format.parse(format);
    }

    void validate() {
        format();
        if (!(maxRejectFraction >= 0 && maxRejectFraction <= 1)) {
            throw new BadInputException("--max-reject-fraction must be between 0 and 1, got %s", maxRejectFraction);
        }
        if (splitSize < 0) {
            throw new BadInputException("--split-size must be positive (or 0 for the default), got %d", splitSize);
        }
    }

    /**
     * The files {@code --input} names. A relative {@code datasets/…} that matches nothing in the
     * working directory is looked up in the datasets directory ({@link Datasets#dir()}; SPEC §1),
     * so the README's commands work with {@code HEADWISE_DATASETS_DIR} as with a fetched copy.
     */
    List<String> files(SparkSession spark) {
        String relocated = Datasets.relocate(input, Datasets.dir());
        if (relocated == null || InputFiles.matches(spark, input)) {
            return InputFiles.resolve(spark, input);
        }
        if (!InputFiles.matches(spark, relocated)) {
            throw new BadInputException(
                    "--input %s: no such file or directory, here or in the datasets directory (%s)", input, relocated);
        }
        LOG.info("--input {}: not in the working directory, reading {}", input, relocated);
        return InputFiles.resolve(spark, relocated);
    }

    /**
     * Reads the corpus. {@code --split-size} also sets Spark's {@code maxPartitionBytes} for the
     * XML reader; the caller restores it with {@link #restore}.
     */
    Corpus read(SparkSession spark, List<String> files) {
        if (splitSize > 0) {
            previousMaxPartitionBytes = spark.conf().get(MAX_PARTITION_BYTES, null);
            spark.conf().set(MAX_PARTITION_BYTES, splitSize);
        }
        Set<Long> ns = new LinkedHashSet<>(namespaces);
        return Corpus.read(spark, files, format(), ns, paragraphs, splitSize);
    }

    void restore(SparkSession spark) {
        if (splitSize > 0) {
            if (previousMaxPartitionBytes == null) {
                spark.conf().unset(MAX_PARTITION_BYTES);
            } else {
                spark.conf().set(MAX_PARTITION_BYTES, previousMaxPartitionBytes);
            }
        }
    }

    /**
     * Fails the run when {@code rejected} of {@code records} is more than the allowed fraction.
     *
     * @throws BadInputException naming the counts, the option and where the rejects are
     */
    void checkRejects(long rejected, long records, String rejectsDir) {
        if (rejected > 0 && (double) rejected / Math.max(1, records) > maxRejectFraction) {
            throw new BadInputException(
                    "--input %s: %,d of %,d records rejected (%.2f%%), more than --max-reject-fraction %s; reasons in %s",
                    input, rejected, records, 100.0 * rejected / Math.max(1, records), maxRejectFraction, rejectsDir);
        }
        if (records == 0) {
            throw new BadInputException("--input %s: no records", input);
        }
    }
}
