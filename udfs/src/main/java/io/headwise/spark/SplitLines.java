package io.headwise.spark;

import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.createStructField;
import static org.apache.spark.sql.types.DataTypes.createStructType;

import io.headwise.corpus.Utf8Text;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapreduce.InputSplit;
import org.apache.hadoop.mapreduce.lib.input.FileSplit;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * Reads the lines of one input split (Hadoop's {@code TextInputFormat}: any file system, {@code
 * .bz2} and {@code .gz} decompressed, bz2 split across tasks) as {@link #LINE} rows: the file, the
 * split's start offset, the line's 0-based index within the split, and its text decoded strictly
 * as UTF-8, or the reason it could not be. The (file, split start, index) triple orders the lines
 * of a file whatever the split size, which is how line numbers are made independent of it.
 *
 * <p>Read through {@link BoundedLineReader}, a line longer than its limit becomes a row carrying
 * the error, its excerpt taken from the bytes held; the rest of it is never in memory.
 *
 * <p>A compressed file that ends early (a truncated {@code .bz2}) fails in the middle of a split:
 * that becomes one last row carrying the error, and the split ends there.
 */
public final class SplitLines implements Function2<InputSplit, Iterator<Tuple2<LongWritable, Text>>, Iterator<Row>> {

    private static final long serialVersionUID = 1L;

    /** file (full path), split_start, index, text (null if bad), error (null if good), excerpt. */
    public static final StructType LINE = createStructType(List.of(
            createStructField("file", StringType, false),
            createStructField("split_start", LongType, false),
            createStructField("index", LongType, false),
            createStructField("text", StringType, true),
            createStructField("error", StringType, true),
            createStructField("excerpt", StringType, true)));

    @Override
    public Iterator<Row> call(InputSplit split, Iterator<Tuple2<LongWritable, Text>> records) {
        FileSplit file = (FileSplit) split;
        String path = file.getPath().toString();
        long start = file.getStart();
        return new Iterator<>() {
            private long index;
            private String failure;
            private boolean done;

            @Override
            public boolean hasNext() {
                if (done) {
                    return false;
                }
                if (failure != null) {
                    return true;
                }
                try {
                    done = !records.hasNext();
                } catch (Exception e) { // Scala iterators rethrow Hadoop's IOException unchecked
                    if (!isIo(e)) {
                        throw e;
                    }
                    failure = "unreadable from here on (truncated or corrupt compressed file?): " + rootMessage(e);
                }
                return !done;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                long i = index++;
                if (failure != null) {
                    done = true;
                    return RowFactory.create(path, start, i, null, failure, null);
                }
                Text line = records.next()._2();
                byte[] bytes = line.getBytes();
                int length = line.getLength();
                if (line instanceof BoundedLineReader.Line bounded && bounded.overLimit()) {
                    return RowFactory.create(
                            path,
                            start,
                            i,
                            null,
                            String.format(
                                    "line longer than --max-record-bytes %d (%,d bytes), not decoded",
                                    bounded.limit(), bounded.bytes()),
                            Utf8Text.excerpt(Utf8Text.lenient(bytes, Math.min(length, 4 * Utf8Text.EXCERPT_CHARS))));
                }
                try {
                    return RowFactory.create(path, start, i, Utf8Text.decode(bytes, length), null, null);
                } catch (IllegalArgumentException e) {
                    return RowFactory.create(
                            path, start, i, null, e.getMessage(), Utf8Text.excerpt(Utf8Text.lenient(bytes, length)));
                }
            }
        };
    }

    private static boolean isIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
