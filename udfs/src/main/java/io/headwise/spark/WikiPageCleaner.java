package io.headwise.spark;

import io.headwise.tokenize.wiki.WikiTextCleaner;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Row;

/**
 * Turns a dump page (source, id, title, wikitext, corrupt record) that is neither a redirect nor
 * outside the selected namespaces into a {@link CorpusRows#DOCUMENT}: the cleaned plain text, or
 * the reason the page cannot be used (malformed XML, no id, no text, nothing left after cleaning).
 */
public final class WikiPageCleaner implements MapFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** Input columns, in this order. */
    public static final String[] COLUMNS = {"source", "id", "title", "wikitext", "corrupt"};

    /**
     * Spark 4.1's XML reader parses a split as one stream: after a malformed page it returns the
     * rest of the split as this one corrupt record, so the reason says what is lost.
     */
    public static final String MALFORMED =
            "malformed XML in <page>: Spark's XML reader stops there, so the later pages of this file (split) are lost";

    private final WikiTextCleaner cleaner = WikiTextCleaner.withDefaultNamespaces();

    @Override
    public Row call(Row page) {
        String source = page.getString(0);
        Long id = page.isNullAt(1) ? null : page.getLong(1);
        String title = page.isNullAt(2) ? null : page.getString(2);
        String wikitext = page.isNullAt(3) ? null : page.getString(3);
        if (!page.isNullAt(4)) {
            return CorpusRows.rejected(source, id, MALFORMED, page.getString(4));
        }
        if (id == null) {
            return CorpusRows.rejected(source, null, "page '" + title + "' has no <id>", wikitext);
        }
        if (wikitext == null) {
            // Spark's XML reader also gives null for a <text> of only whitespace.
            return CorpusRows.rejected(
                    source, id, "page '" + title + "' has no text (no revision <text>, or only whitespace)", null);
        }
        if (wikitext.isBlank()) {
            return CorpusRows.rejected(
                    source, id, "page '" + title + "' has no text (no revision <text>, or only whitespace)", wikitext);
        }
        String text = cleaner.clean(wikitext);
        if (text.isBlank()) {
            return CorpusRows.rejected(
                    source, id, "page '" + title + "' has no prose left after removing wikitext markup", wikitext);
        }
        return CorpusRows.document(source, id, title, text);
    }
}
