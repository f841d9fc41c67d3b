package io.headwise.spark;

import io.headwise.corpus.Paragraphs;
import io.headwise.corpus.Paragraphs.Paragraph;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * {@code --format text}: one file's lines (source, then an array of (line, text, error) structs
 * in line order) into {@link CorpusRows#DOCUMENT} rows: the whole file as one document, or with
 * {@code paragraphs} one document per blank-line separated paragraph. {@code doc_id} is the line
 * number the document starts at (1 for a whole file). A document with an unreadable line (invalid
 * UTF-8) or no text is rejected.
 */
public final class TextDocuments implements FlatMapFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final boolean paragraphs;

    public TextDocuments(boolean paragraphs) {
        this.paragraphs = paragraphs;
    }

    @Override
    public Iterator<Row> call(Row file) {
        String source = file.getString(0);
        List<Row> lines = file.getList(1);
        List<String> texts = new ArrayList<>(lines.size());
        List<String> errors = new ArrayList<>(lines.size());
        for (Row line : lines) {
            texts.add(line.isNullAt(1) ? null : line.getString(1));
            errors.add(line.isNullAt(2) ? null : line.getString(2));
        }
        List<Paragraph> parts = paragraphs ? Paragraphs.of(texts) : List.of(whole(texts));
        List<Row> docs = new ArrayList<>();
        for (Paragraph p : parts) {
            if (p.badLine() > 0) {
                docs.add(CorpusRows.rejected(
                        source,
                        p.firstLine(),
                        "line " + p.badLine() + ": " + errors.get((int) p.badLine() - 1),
                        p.text()));
            } else if (p.text().isBlank()) {
                docs.add(CorpusRows.rejected(source, p.firstLine(), "empty or whitespace-only text", p.text()));
            } else {
                docs.add(CorpusRows.document(source, p.firstLine(), null, p.text()));
            }
        }
        return docs.iterator();
    }

    private static Paragraph whole(List<String> texts) {
        StringBuilder text = new StringBuilder();
        long bad = 0;
        for (int i = 0; i < texts.size(); i++) {
            if (texts.get(i) == null) {
                bad = bad == 0 ? i + 1 : bad;
                continue;
            }
            if (i > 0) {
                text.append('\n');
            }
            text.append(texts.get(i));
        }
        return new Paragraph(1, text.toString(), bad);
    }
}
