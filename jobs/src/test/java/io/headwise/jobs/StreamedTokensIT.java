package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** How {@code train} reads a large tokens table: in chunks, in an order set by its contents. */
class StreamedTokensIT {

    private static final StructType SCHEMA = new StructType()
            .add("sample_id", DataTypes.LongType, false)
            .add("token_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false);

    @Test
    void aLargeTableIsReadInChunksSortedBySampleIdWithinEach() {
        List<Row> rows = rows(1_000, 7);
        // One input partition, as a table written as one row group is; 10 chunks' worth of bytes.
        Dataset<Row> table = dataset(rows, 1);
        Dataset<Row> chunked = StreamedTokens.inChunks(table, 10_000, 1_000);
        assertThat(chunked.rdd().getNumPartitions()).isEqualTo(10);

        List<List<Long>> partitions =
                chunked.javaRDD().mapPartitions(StreamedTokensIT::ids).glom().collect();
        assertThat(partitions)
                .hasSize(10)
                .allSatisfy(ids -> assertThat(ids).isSorted().hasSizeBetween(50, 150));
        List<String> read = read(chunked);
        assertThat(read)
                .containsExactlyInAnyOrderElementsOf(
                        rows.stream().map(StreamedTokensIT::text).toList());

        // The order is the contents': the same rows, shuffled and in 3 partitions, read the same.
        List<Row> shuffled = new ArrayList<>(rows);
        Collections.shuffle(shuffled, new Random(1));
        assertThat(read(StreamedTokens.inChunks(dataset(shuffled, 3), 10_000, 1_000)))
                .containsExactlyElementsOf(read);
    }

    @Test
    void aTableOfOneChunkIsReadAsItIs() {
        Dataset<Row> table = dataset(rows(100, 3), 2);
        assertThat(StreamedTokens.inChunks(table, 1_000, 1_000)).isSameAs(table);
        assertThat(StreamedTokens.inChunks(table, StreamedTokens.CHUNK_BYTES)).isSameAs(table);
    }

    private static Iterator<Long> ids(Iterator<Row> rows) {
        List<Long> ids = new ArrayList<>();
        rows.forEachRemaining(row -> ids.add(row.getLong(0)));
        return ids.iterator();
    }

    /** The rows as {@code toLocalIterator} returns them, as text. */
    private static List<String> read(Dataset<Row> rows) {
        List<String> read = new ArrayList<>();
        rows.toLocalIterator().forEachRemaining(row -> read.add(text(row)));
        return read;
    }

    private static String text(Row row) {
        // The rows made here hold a java.util.List; Spark's hold a Scala sequence.
        return row.getLong(0) + ":" + (row.get(1) instanceof List<?> ids ? ids : row.getList(1));
    }

    private static List<Row> rows(int n, long seed) {
        Random random = new Random(seed);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<Integer> ids = new ArrayList<>();
            for (int j = 2 + random.nextInt(5); j > 0; j--) {
                ids.add(random.nextInt(27));
            }
            rows.add(RowFactory.create(random.nextLong(), ids));
        }
        return rows;
    }

    private static Dataset<Row> dataset(List<Row> rows, int partitions) {
        SparkSession spark = SparkTestSession.get();
        return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
    }
}
