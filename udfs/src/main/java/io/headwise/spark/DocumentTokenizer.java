package io.headwise.spark;

import io.headwise.BadInputException;
import io.headwise.corpus.Utf8Text;
import io.headwise.corpus.Windows;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.TokenizerJson;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Executor side of {@code tokenize}: {@link CorpusRows#DOCUMENT} rows in, {@link
 * CorpusRows#OUTCOME} rows out. Each usable document is encoded with the shipped tokenizer and cut
 * into samples by {@link Windows} (byte-level tokenizers put {@code <|endoftext|>} first in every
 * sample; char-level names keep their {@code .} delimiters and get no separator). Documents the
 * reader rejected pass through as rejects; a document the tokenizer cannot encode (a character
 * outside a char-level vocabulary) or that has no tokens becomes one.
 */
public final class DocumentTokenizer implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final String tokenizerJson;
    private final String tokenizerName;
    private final int blockSize;
    private final int stride;

    /**
     * @param tokenizerJson the {@code tokenizer.json} document
     * @param tokenizerName where it came from, for messages
     * @param stride 0 for no overlap (see {@link Windows#cut})
     */
    public DocumentTokenizer(String tokenizerJson, String tokenizerName, int blockSize, int stride) {
        this.tokenizerJson = tokenizerJson;
        this.tokenizerName = tokenizerName;
        this.blockSize = blockSize;
        this.stride = stride;
    }

    /** The separator id every sample starts with, or -1 for a char-level tokenizer. */
    public static int separator(TextTokenizer tokenizer, String name) {
        if (tokenizer.isCharLevel()) {
            return -1;
        }
        return tokenizer
                .specialId(TokenizerJson.END_OF_TEXT)
                .orElseThrow(() -> new BadInputException(
                        "%s has no %s token to separate documents", name, TokenizerJson.END_OF_TEXT));
    }

    @Override
    public Iterator<Row> call(Iterator<Row> documents) {
        TextTokenizer tokenizer = ExecutorCache.releaseWithTask(TokenizerCache.lease(tokenizerJson, tokenizerName))
                .get();
        int separator = separator(tokenizer, tokenizerName);
        return new Iterator<>() {
            private Iterator<Row> pending = Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!pending.hasNext() && documents.hasNext()) {
                    pending = outcomes(documents.next(), tokenizer, separator).iterator();
                }
                return pending.hasNext();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return pending.next();
            }
        };
    }

    private List<Row> outcomes(Row doc, TextTokenizer tokenizer, int separator) {
        String source = doc.getString(CorpusRows.SOURCE);
        Long docId = CorpusRows.docId(doc);
        if (!doc.isNullAt(CorpusRows.REASON)) {
            return List.of(reject(source, docId, doc.getString(CorpusRows.REASON), doc.getString(CorpusRows.EXCERPT)));
        }
        String text = doc.getString(CorpusRows.TEXT);
        int[] ids;
        try {
            ids = tokenizer.encode(text);
        } catch (IllegalArgumentException e) {
            return List.of(reject(source, docId, "cannot tokenize: " + e.getMessage(), text));
        }
        if (ids.length == 0) {
            return List.of(reject(source, docId, "no tokens", text));
        }
        String title = doc.isNullAt(CorpusRows.TITLE) ? null : doc.getString(CorpusRows.TITLE);
        List<int[]> samples = Windows.cut(ids, blockSize, stride, separator);
        List<Row> rows = new ArrayList<>(samples.size());
        for (int chunk = 0; chunk < samples.size(); chunk++) {
            int[] sample = samples.get(chunk);
            Integer[] boxed = new Integer[sample.length];
            for (int i = 0; i < sample.length; i++) {
                boxed[i] = sample[i];
            }
            rows.add(RowFactory.create(
                    source,
                    docId,
                    title,
                    chunk,
                    CollectionConverters.asScala(List.of(boxed)).toSeq(),
                    CollectionConverters.asScala(List.of(tokenizer.pieces(sample)))
                            .toSeq(),
                    null,
                    null));
        }
        return rows;
    }

    private static Row reject(String source, Long docId, String reason, String text) {
        return RowFactory.create(source, docId, null, null, null, null, reason, Utf8Text.excerpt(text));
    }
}
