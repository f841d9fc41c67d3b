package io.headwise.jobs.corpus;

import io.headwise.BadInputException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The documents of a corpus in one of the {@code --format}s, as {@link
 * io.headwise.spark.CorpusRows#DOCUMENT} rows (usable documents and rejected records alike).
 *
 * @param documents the rows
 * @param counts records read but deliberately not used (wiki: {@code redirects},
 *     {@code other_namespaces}); not rejects, recorded in {@code run_manifest}
 */
public record Corpus(Dataset<Row> documents, Map<String, Long> counts) {

    /** The input formats. */
    public enum Format {
        LINES,
        WIKI,
        TEXT;

        public static Format parse(String option) {
            for (Format f : values()) {
                if (f.name().equalsIgnoreCase(option)) {
                    return f;
                }
            }
            throw new BadInputException("--format must be lines, wiki or text, got '%s'", option);
        }
    }

    /**
     * Reads {@code files}.
     *
     * @param namespaces wiki namespaces to keep
     * @param paragraphs text: one document per paragraph instead of per file
     * @param splitSize the largest input split in bytes, 0 for the default
     * @param maxRecordBytes the longest record (a line; a wiki page's text) in bytes; a longer one
     *     is a reject, never decoded whole
     */
    public static Corpus read(
            SparkSession spark,
            List<String> files,
            Format format,
            Set<Long> namespaces,
            boolean paragraphs,
            long splitSize,
            int maxRecordBytes) {
        return switch (format) {
            case LINES -> new Corpus(LineFiles.lineDocuments(spark, files, splitSize, maxRecordBytes), Map.of());
            case TEXT ->
                new Corpus(LineFiles.textDocuments(spark, files, paragraphs, splitSize, maxRecordBytes), Map.of());
            case WIKI -> WikiDumps.read(spark, files, namespaces, maxRecordBytes);
        };
    }
}
