package io.headwise.spark;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createArrayType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.headwise.corpus.Utf8Text;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The intermediate rows of {@code tokenize} and {@code train-tokenizer} (not tables): a
 * <em>document</em> is one input record with its text, or with the reason it cannot be used; an
 * <em>outcome</em> is one sample of the {@code tokens} table or one row of {@code rejects}.
 */
public final class CorpusRows {

    /** source, doc_id, title, text (null when rejected), reason (null when usable), excerpt. */
    public static final StructType DOCUMENT = createStructType(List.of(
            createStructField("source", StringType, false),
            createStructField("doc_id", LongType, true),
            createStructField("title", StringType, true),
            createStructField("text", StringType, true),
            createStructField("reason", StringType, true),
            createStructField("excerpt", StringType, true)));

    /** A sample (chunk, token_ids, tokens set, reason null) or a reject (reason set). */
    public static final StructType OUTCOME = createStructType(List.of(
            createStructField("source", StringType, false),
            createStructField("doc_id", LongType, true),
            createStructField("title", StringType, true),
            createStructField("chunk", IntegerType, true),
            createStructField("token_ids", createArrayType(IntegerType, false), true),
            createStructField("tokens", createArrayType(StringType, false), true),
            createStructField("reason", StringType, true),
            createStructField("excerpt", StringType, true)));

    static final int SOURCE = 0;
    static final int DOC_ID = 1;
    static final int TITLE = 2;
    static final int TEXT = 3;
    static final int REASON = 4;
    static final int EXCERPT = 5;

    private CorpusRows() {}

    /** A usable document. */
    public static Row document(String source, long docId, String title, String text) {
        return RowFactory.create(source, docId, title, text, null, null);
    }

    /** A record that cannot be used; {@code text} is cut to its excerpt. */
    public static Row rejected(String source, Long docId, String reason, String text) {
        return RowFactory.create(source, docId, null, null, reason, Utf8Text.excerpt(text));
    }

    static Long docId(Row document) {
        return document.isNullAt(DOC_ID) ? null : document.getLong(DOC_ID);
    }
}
