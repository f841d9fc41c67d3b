package io.headwise.jobs;

import io.headwise.train.GptTrainer;
import io.headwise.train.HeldOut;
import io.headwise.train.ShuffleBuffer;
import io.headwise.train.TrainConfig;
import io.headwise.train.TrainingRun;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code train}'s samples read from the {@code tokens} table as a stream instead of held in driver
 * memory: every pass over the corpus reads the table again, one chunk of about {@link
 * #CHUNK_BYTES} at a time ({@link #inChunks}), into a {@link ShuffleBuffer}.
 *
 * <p>The held-out split is the in-memory one ({@link HeldOut}: the lowest-ranked samples), found
 * with a sort in Spark; the stream skips every sample ranked at or below the last held-out one.
 * The losses are measured on the lowest-ranked {@code evalBatches·B} held-out samples and on the
 * {@code evalBatches·B} training samples ranked right after the held-out ones: fixed,
 * pseudo-random subsets, fetched once.
 */
final class StreamedTokens {

    /**
     * The largest partition the driver reads at once ({@code toLocalIterator} holds one
     * partition's result at a time), in {@link TrainJob.Shape#bytes} of samples.
     */
    static final long CHUNK_BYTES = 16L << 20;

    private static final UserDefinedFunction RANK =
            functions.udf((UDF1<Long, Long>) HeldOut::signedRankKey, DataTypes.LongType);

    private StreamedTokens() {}

    /**
     * @param usable the rows ({@code sample_id}, {@code token_ids}) of the samples to train on:
     *     each of 2..n_positions ids below V, checked by the caller
     * @param shape the table's shape: how many rows {@code usable} has and their size
     * @param capacity the shuffle buffer's size in samples
     */
    static TrainingRun.Data open(
            Dataset<Row> usable,
            TrainJob.Shape shape,
            TrainConfig train,
            double testFraction,
            boolean charLevel,
            int capacity) {
        long n = shape.usable();
        int count = HeldOut.testCount(Math.toIntExact(n), testFraction, charLevel);
        int evalSamples = GptTrainer.evalSamples(train);
        int trainEvalCount = (int) Math.min(evalSamples, n - count);

        // The count + trainEvalCount lowest-ranked ids, in rank order (the sort runs in Spark; the
        // driver reads its first partitions).
        long[] ranked = new long[count + trainEvalCount];
        Iterator<Row> byRank = usable.select(
                        functions.col("sample_id"),
                        RANK.apply(functions.col("sample_id")).as("rank"))
                .orderBy("rank", "sample_id")
                .select("sample_id")
                .toLocalIterator();
        for (int i = 0; i < ranked.length; i++) {
            ranked[i] = byRank.next().getLong(0);
        }
        long[] heldOut = Arrays.copyOf(ranked, count);
        long[] testEvalIds = Arrays.copyOf(ranked, Math.min(count, evalSamples));
        long[] trainEvalIds = Arrays.copyOfRange(ranked, count, ranked.length);
        Map<Long, int[]> fetched = fetch(usable, testEvalIds, trainEvalIds);
        Long lastHeldOut = count > 0 ? heldOut[count - 1] : null;
        Arrays.sort(heldOut);

        Dataset<Row> rows = inChunks(usable, shape.bytes());
        ShuffleBuffer buffer = new ShuffleBuffer(
                () -> new Pass(rows.toLocalIterator(), lastHeldOut), capacity, train.batchSize(), train.seed());
        return new TrainingRun.Data(
                buffer,
                inOrder(fetched, trainEvalIds),
                inOrder(fetched, testEvalIds),
                heldOut,
                n - count,
                "stream (shuffle buffer of " + capacity + " samples)");
    }

    /**
     * {@code rows} in partitions of about {@link #CHUNK_BYTES} each, when they hold more ({@code
     * bytes}): hash-partitioned by {@code sample_id} and sorted by it within each partition, so
     * that their order depends on the table's contents only. A table written as one large Parquet
     * row group (a single tokenize task's output) is one partition whatever the split size, and
     * {@code toLocalIterator} would return it as one task result.
     */
    static Dataset<Row> inChunks(Dataset<Row> rows, long bytes) {
        return inChunks(rows, bytes, CHUNK_BYTES);
    }

    static Dataset<Row> inChunks(Dataset<Row> rows, long bytes, long chunkBytes) {
        long chunks = (bytes + chunkBytes - 1) / chunkBytes;
        if (chunks <= 1) {
            return rows;
        }
        return rows.repartition((int) Math.min(chunks, Integer.MAX_VALUE), functions.col("sample_id"))
                .sortWithinPartitions("sample_id");
    }

    private static Map<Long, int[]> fetch(Dataset<Row> usable, long[]... ids) {
        List<Object> wanted = new ArrayList<>();
        for (long[] some : ids) {
            for (long id : some) {
                wanted.add(id);
            }
        }
        Map<Long, int[]> fetched = new HashMap<>();
        if (!wanted.isEmpty()) {
            Column in = functions.col("sample_id").isin(wanted.toArray());
            for (Row row : usable.where(in).collectAsList()) {
                fetched.put(row.getLong(0), ids(row));
            }
        }
        return fetched;
    }

    private static List<int[]> inOrder(Map<Long, int[]> fetched, long[] ids) {
        List<int[]> samples = new ArrayList<>(ids.length);
        for (long id : ids) {
            samples.add(fetched.get(id));
        }
        return samples;
    }

    static int[] ids(Row row) {
        List<Integer> list = row.getList(1);
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i);
        }
        return ids;
    }

    /** One pass: the training samples' ids, the held-out ones skipped. */
    private static final class Pass implements Iterator<int[]> {

        private final Iterator<Row> rows;
        private final Long lastHeldOut;
        private int[] next;

        Pass(Iterator<Row> rows, Long lastHeldOut) {
            this.rows = rows;
            this.lastHeldOut = lastHeldOut;
        }

        @Override
        public boolean hasNext() {
            while (next == null && rows.hasNext()) {
                Row row = rows.next();
                if (lastHeldOut == null || HeldOut.compareRank(row.getLong(0), lastHeldOut) > 0) {
                    next = ids(row);
                }
            }
            return next != null;
        }

        @Override
        public int[] next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            int[] ids = next;
            next = null;
            return ids;
        }
    }
}
