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

/**
 * The options of {@code tokenize} and {@code train-tokenizer} that say what corpus to read,
 * checked when built.
 *
 * @param input input file, directory or glob, any Hadoop URI; {@code .bz2}/{@code .gz} are
 *     decompressed; {@code --input}
 * @param format {@code lines} (one sample per non-empty line), {@code wiki} (MediaWiki XML dumps)
 *     or {@code text} (one document per file); {@code --format}
 * @param namespaces wiki: namespace numbers of the pages to use; {@code --namespaces}
 * @param paragraphs text: one document per blank-line separated paragraph; {@code --paragraphs}
 * @param splitSize largest input split in bytes, 0 for Spark's and Hadoop's defaults; {@code
 *     --split-size}
 * @param maxRecordBytes the longest record in bytes: a line ({@code lines}, {@code text}) or a
 *     page's text ({@code wiki}); a longer one is a {@code rejects} row, and a line is never held
 *     whole in memory; {@code --max-record-bytes}
 * @param maxRejectFraction fail when more than this fraction of the input records is rejected;
 *     {@code --max-reject-fraction}
 * @param overwrite replace existing output; {@code --overwrite}
 */
public record CorpusOptions(
        String input,
        String format,
        List<Long> namespaces,
        boolean paragraphs,
        long splitSize,
        int maxRecordBytes,
        double maxRejectFraction,
        boolean overwrite) {

    private static final Logger LOG = LoggerFactory.getLogger(CorpusOptions.class);

    /** {@code --namespaces} when not given: articles. */
    public static final long NAMESPACE_DEFAULT = 0;

    /** {@code --max-reject-fraction} when not given. */
    public static final double MAX_REJECT_FRACTION_DEFAULT = 0.01;

    /** {@code --max-record-bytes} when not given: 1 MiB. */
    public static final int MAX_RECORD_BYTES_DEFAULT = 1 << 20;

    /** Spark's split size for file sources, which {@code --split-size} sets for the XML reader. */
    private static final String MAX_PARTITION_BYTES = "spark.sql.files.maxPartitionBytes";

    /** @throws BadInputException naming the option at fault */
    public CorpusOptions {
        OptionChecks.required(input, "--input");
        Corpus.Format.parse(OptionChecks.required(format, "--format"));
        namespaces = List.copyOf(OptionChecks.required(namespaces, "--namespaces"));
        if (!(maxRejectFraction >= 0 && maxRejectFraction <= 1)) {
            throw new BadInputException("--max-reject-fraction must be between 0 and 1, got %s", maxRejectFraction);
        }
        if (maxRecordBytes < 1 || maxRecordBytes > Integer.MAX_VALUE - 8) {
            throw new BadInputException(
                    "--max-record-bytes must be between 1 and %d, got %d", Integer.MAX_VALUE - 8, maxRecordBytes);
        }
        if (splitSize < 0) {
            throw new BadInputException("--split-size must be positive (or 0 for the default), got %d", splitSize);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Sets {@code input} and {@code format}; the rest has defaults. */
    public static final class Builder {
        private String input;
        private String format;
        private List<Long> namespaces = List.of(NAMESPACE_DEFAULT);
        private boolean paragraphs;
        private long splitSize;
        private int maxRecordBytes = MAX_RECORD_BYTES_DEFAULT;
        private double maxRejectFraction = MAX_REJECT_FRACTION_DEFAULT;
        private boolean overwrite;

        private Builder() {}

        public Builder input(String input) {
            this.input = input;
            return this;
        }

        public Builder format(String format) {
            this.format = format;
            return this;
        }

        public Builder namespaces(List<Long> namespaces) {
            this.namespaces = namespaces;
            return this;
        }

        public Builder paragraphs(boolean paragraphs) {
            this.paragraphs = paragraphs;
            return this;
        }

        public Builder splitSize(long splitSize) {
            this.splitSize = splitSize;
            return this;
        }

        public Builder maxRecordBytes(int maxRecordBytes) {
            this.maxRecordBytes = maxRecordBytes;
            return this;
        }

        public Builder maxRejectFraction(double maxRejectFraction) {
            this.maxRejectFraction = maxRejectFraction;
            return this;
        }

        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /** @throws BadInputException naming the option at fault */
        public CorpusOptions build() {
            return new CorpusOptions(
                    input, format, namespaces, paragraphs, splitSize, maxRecordBytes, maxRejectFraction, overwrite);
        }
    }

    Corpus.Format corpusFormat() {
        return Corpus.Format.parse(format);
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
     * XML reader; the caller restores it with {@link #restore}, passing what {@link
     * #maxPartitionBytes} returned before this call.
     */
    Corpus read(SparkSession spark, List<String> files) {
        if (splitSize > 0) {
            spark.conf().set(MAX_PARTITION_BYTES, splitSize);
        }
        Set<Long> ns = new LinkedHashSet<>(namespaces);
        return Corpus.read(spark, files, corpusFormat(), ns, paragraphs, splitSize, maxRecordBytes);
    }

    /** The session's split size before {@link #read} changes it (null when unset). */
    static String maxPartitionBytes(SparkSession spark) {
        return spark.conf().get(MAX_PARTITION_BYTES, null);
    }

    void restore(SparkSession spark, String previousMaxPartitionBytes) {
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
