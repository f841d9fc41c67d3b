package io.headwise.cli;

import io.headwise.jobs.CorpusOptions;
import java.util.List;
import picocli.CommandLine.Option;

/** The flags of {@code tokenize} and {@code train-tokenizer} that say what corpus to read. */
final class CorpusFlags {

    @Option(
            names = "--input",
            required = true,
            paramLabel = "PATH",
            description = "Input file, directory or glob, any Hadoop URI; .bz2/.gz are decompressed.")
    String input;

    @Option(
            names = "--format",
            required = true,
            paramLabel = "lines|wiki|text",
            description =
                    "lines: one sample per non-empty line; wiki: MediaWiki XML dumps; text: one document per file.")
    String format;

    @Option(
            names = "--namespaces",
            split = ",",
            paramLabel = "NS[,NS...]",
            defaultValue = "" + CorpusOptions.NAMESPACE_DEFAULT,
            description = "wiki: namespace numbers of the pages to use (default: ${DEFAULT-VALUE}, articles).")
    List<Long> namespaces;

    @Option(names = "--paragraphs", description = "text: one document per blank-line separated paragraph.")
    boolean paragraphs;

    @Option(
            names = "--split-size",
            paramLabel = "BYTES",
            defaultValue = "0",
            description = "Largest input split in bytes (more, smaller tasks); 0 for Spark's and Hadoop's defaults.")
    long splitSize;

    @Option(
            names = "--max-record-bytes",
            paramLabel = "BYTES",
            defaultValue = "" + CorpusOptions.MAX_RECORD_BYTES_DEFAULT,
            description = "Longest record (a line; a wiki page's text) in bytes; a longer one is a reject, never"
                    + " read whole (default: ${DEFAULT-VALUE}, 1 MiB).")
    int maxRecordBytes;

    @Option(
            names = "--max-reject-fraction",
            paramLabel = "F",
            defaultValue = "" + CorpusOptions.MAX_REJECT_FRACTION_DEFAULT,
            description =
                    "Fail when more than this fraction of the input records is rejected (default: ${DEFAULT-VALUE}).")
    double maxRejectFraction;

    @Option(names = "--overwrite", description = "Replace existing output.")
    boolean overwrite;

    /** @throws io.headwise.BadInputException naming the option at fault */
    CorpusOptions options() {
        return CorpusOptions.builder()
                .input(input)
                .format(format)
                .namespaces(namespaces)
                .paragraphs(paragraphs)
                .splitSize(splitSize)
                .maxRecordBytes(maxRecordBytes)
                .maxRejectFraction(maxRejectFraction)
                .overwrite(overwrite)
                .build();
    }
}
