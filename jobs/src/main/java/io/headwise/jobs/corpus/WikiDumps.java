package io.headwise.jobs.corpus;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.octet_length;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.headwise.corpus.Bz2Tail;
import io.headwise.corpus.Utf8Text;
import io.headwise.corpus.XmlStart;
import io.headwise.spark.CorpusRows;
import io.headwise.spark.WikiPageCleaner;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * MediaWiki XML dumps ({@code pages-articles}, plain or {@code .bz2}) through Spark's XML reader,
 * one row per {@code <page>}, with an explicit schema (inference would read the whole dump
 * first). Spark splits {@code .bz2} dumps across tasks and honours a UTF-16 byte-order mark.
 *
 * <p>Redirects (a {@code <redirect>} element, any namespace) and pages outside the selected
 * namespaces are counted, not used and not rejected. A page that the reader cannot parse
 * (PERMISSIVE mode puts it in {@code _corrupt_record}), or with no id or text, or whose text is
 * nothing but markup, is a reject. So is a file with no page at all (not a dump) and a {@code
 * .bz2} without bzip2's end-of-stream marker (truncated): such a file is read up to the cut with
 * Spark's {@code ignoreCorruptFiles}, so its whole pages are still used.
 */
final class WikiDumps {

    static final String CORRUPT = "_corrupt_record";

    /** The part of a page we read; every other element is skipped by the reader. */
    static final StructType PAGE = new StructType()
            .add("title", DataTypes.StringType)
            .add("ns", DataTypes.LongType)
            .add("id", DataTypes.LongType)
            .add("redirect", new StructType().add("_title", DataTypes.StringType))
            .add(
                    "revision",
                    new StructType()
                            .add("id", DataTypes.LongType)
                            .add("text", new StructType().add("_VALUE", DataTypes.StringType)))
            .add(CORRUPT, DataTypes.StringType);

    private WikiDumps() {}

    static Corpus read(SparkSession spark, List<String> files, Set<Long> namespaces, int maxRecordBytes) {
        List<String> whole = new ArrayList<>();
        List<String> truncated = new ArrayList<>();
        List<Row> fileRejects = new ArrayList<>();
        for (String file : files) {
            Row notADump = notADump(spark, file);
            if (notADump != null) {
                fileRejects.add(notADump);
                continue;
            }
            boolean cut =
                    file.endsWith(".bz2") && !Bz2Tail.isComplete(InputFiles.tail(spark, file, Bz2Tail.TAIL_BYTES));
            (cut ? truncated : whole).add(file);
        }
        if (whole.isEmpty() && truncated.isEmpty()) {
            return new Corpus(
                    spark.createDataFrame(fileRejects, CorpusRows.DOCUMENT),
                    Map.of("redirects", 0L, "other_namespaces", 0L));
        }
        Dataset<Row> pages = null;
        if (!whole.isEmpty()) {
            pages = pages(spark, whole, false);
        }
        if (!truncated.isEmpty()) {
            Dataset<Row> rest = pages(spark, truncated, true);
            pages = pages == null ? rest : pages.unionByName(rest);
        }
        Column redirect = col("redirect").isNotNull().and(col(CORRUPT).isNull());
        Column listed = col("ns").isin(namespaces.toArray());
        Column other = col(CORRUPT)
                .isNull()
                .and(col("redirect").isNull())
                .and(col("ns").isNull().or(not(listed)));

        Map<String, Long> counts = new LinkedHashMap<>();
        Set<String> withPages = new HashSet<>();
        long redirects = 0;
        long others = 0;
        for (Row r : pages.groupBy("source")
                .agg(
                        count(lit(1)),
                        sum(when(redirect, 1).otherwise(0)),
                        sum(when(other, 1).otherwise(0)))
                .collectAsList()) {
            withPages.add(r.getString(0));
            redirects += r.getLong(2);
            others += r.getLong(3);
        }
        counts.put("redirects", redirects);
        counts.put("other_namespaces", others);

        Dataset<Row> used = pages.filter(
                col(CORRUPT).isNotNull().or(col("redirect").isNull().and(listed)));
        Column overLong =
                coalesce(octet_length(col("revision.text._VALUE")), lit(0)).gt(maxRecordBytes);
        Dataset<Row> tooLong = used.filter(overLong)
                .select(
                        col("source"),
                        col("id").as("doc_id"),
                        col("title"),
                        lit(null).cast("string").as("text"),
                        format_string(
                                        "page text longer than --max-record-bytes %d (%,d bytes), not cleaned",
                                        lit(maxRecordBytes), octet_length(col("revision.text._VALUE")))
                                .as("reason"),
                        substring(col("revision.text._VALUE"), 1, Utf8Text.EXCERPT_CHARS)
                                .as("excerpt"));
        Dataset<Row> documents = used.filter(not(overLong))
                .select(
                        col("source"),
                        col("id"),
                        col("title"),
                        col("revision.text._VALUE").as("wikitext"),
                        col(CORRUPT).as("corrupt"))
                .map(new WikiPageCleaner(), Encoders.row(CorpusRows.DOCUMENT))
                .union(tooLong);
        for (String file : whole) {
            String source = InputFiles.sourceName(file);
            if (!withPages.contains(source)) {
                fileRejects.add(CorpusRows.rejected(
                        source, null, "no <page> element: not a MediaWiki XML dump (or unreadable)", null));
            }
        }
        for (String file : truncated) {
            fileRejects.add(CorpusRows.rejected(
                    InputFiles.sourceName(file),
                    null,
                    "truncated .bz2 (no end-of-stream marker): pages after the cut are lost",
                    null));
        }
        if (!fileRejects.isEmpty()) {
            documents = documents.union(spark.createDataFrame(fileRejects, CorpusRows.DOCUMENT));
        }
        return new Corpus(documents, counts);
    }

    /**
     * A reject for {@code file} if it is not a dump, else null: a dump starts (after an optional
     * byte-order mark and blanks) with {@code <?xml} or {@code <mediawiki}. Checked on the driver
     * from the first bytes, so that a text file in a dump directory is a reject instead of an XML
     * parser failure.
     */
    static Row notADump(SparkSession spark, String file) {
        String source = InputFiles.sourceName(file);
        String start;
        try {
            start = XmlStart.text(InputFiles.head(spark, file, HEAD_BYTES)).stripLeading();
        } catch (IOException e) {
            return CorpusRows.rejected(source, null, "unreadable: " + e.getMessage(), null);
        }
        if (start.startsWith("<?xml") || start.startsWith("<mediawiki")) {
            return null;
        }
        return CorpusRows.rejected(
                source, null, "not a MediaWiki XML dump: it does not start with <?xml or <mediawiki", start);
    }

    private static final int HEAD_BYTES = 256;

    private static Dataset<Row> pages(SparkSession spark, List<String> files, boolean truncated) {
        return spark.read()
                .format("xml")
                .option("rowTag", "page")
                .option("mode", "PERMISSIVE")
                .option("columnNameOfCorruptRecord", CORRUPT)
                .option("ignoreCorruptFiles", String.valueOf(truncated))
                .schema(PAGE)
                .load(files.toArray(new String[0]))
                .select(col("_metadata.file_name").as("source"), col("*"));
    }
}
