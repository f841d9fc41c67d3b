package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.headwise.model.Analyzer;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.model.SampleResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class ExtractTaskTest {

    private final GptConfig config = GptConfig.of(27, 5, 8, 1, 2);

    @Test
    void rejectReasons() {
        assertThat(ExtractTask.rejectReason(new int[] {0, 3, 0}, 3, config)).isNull();
        assertThat(ExtractTask.rejectReason(new int[] {0, 1, 2, 3, 4}, 5, config))
                .isNull();
        assertThat(ExtractTask.rejectReason(new int[0], 0, config)).isEqualTo("extract: empty sample (no tokens)");
        assertThat(ExtractTask.rejectReason(new int[6], 6, config))
                .isEqualTo("extract: 6 tokens, longer than the model's n_positions (5)");
        assertThat(ExtractTask.rejectReason(new int[] {0, 27}, 2, config))
                .isEqualTo("extract: token id 27 at position 1 is outside the model's vocabulary (vocab_size 27)");
        assertThat(ExtractTask.rejectReason(new int[] {-1}, 1, config))
                .isEqualTo("extract: token id -1 at position 0 is outside the model's vocabulary (vocab_size 27)");
        assertThat(ExtractTask.rejectReason(new int[] {0, 1}, 3, config))
                .isEqualTo("extract: 2 token ids but 3 tokens");
    }

    /**
     * Eleven samples and one reject through batches of 3 on the model thread: every table gets its
     * rows, the numbers equal a one-sample pass, and the model thread is given back at the end.
     */
    @Test
    void streamsBatchesThroughTheModelThread() {
        GptConfig small = GptConfig.of(27, 8, 16, 2, 2);
        Random random = new Random(11);
        List<InternalRow> input = new ArrayList<>();
        Map<Long, int[]> samples = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            int[] ids = new int[2 + random.nextInt(7)];
            for (int p = 0; p < ids.length; p++) {
                ids[p] = random.nextInt(27);
            }
            if (i == 4) {
                ids[1] = 27; // outside the vocabulary: a reject, never sent to the model
            } else {
                samples.put(100L + i, ids);
            }
            input.add(tokensRow(100L + i, ids));
        }
        long tokens = samples.values().stream().mapToLong(ids -> ids.length).sum();
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(GptWeights.random(small, manager, 5)), manager, 2, true);
            ExtractSettings settings =
                    new ExtractSettings(3, 6, 2, true, PatternSelection.all(), PatternSelection.all(), "cpu");
            AtomicLong analysed = new AtomicLong();
            ModelThread thread = ModelThread.acquire();
            Map<String, List<Row>> tables = new HashMap<>();
            TableSink sink = (table, schema, row) ->
                    tables.computeIfAbsent(table, t -> new ArrayList<>()).add(InternalRows.external(schema, row));
            new ExtractTask(analyzer, settings, analysed::addAndGet, thread, 2, sink, ExtractTables.ALL)
                    .run(input.iterator());

            assertThat(analysed.get()).isEqualTo(11);
            assertThat(thread.isClosed()).isTrue();
            assertThat(tables.get(ExtractTables.REJECT_ROWS)).hasSize(1);
            // Every head's mass over the queries q ≥ 1: one per query.
            double mass = tables.get(ExtractTables.MASS_PARTIALS).stream()
                    .mapToDouble(r -> r.getDouble(4))
                    .sum();
            assertThat(mass).isCloseTo(4.0 * (tokens - 11), within(1e-4));
            // One partial row per pair of the 4 heads, each over the 11 samples' queries.
            assertThat(tables.get(ExtractTables.DISTANCE_PARTIALS))
                    .hasSize(6)
                    .allSatisfy(r -> assertThat(r.getLong(2)).isEqualTo(tokens - 11));
            assertThat(tables.get("head_stats")).hasSize(11 * 4);
            assertThat(tables.get("attention")).hasSize(11 * 4);
            assertThat(tables.get("token_stats")).hasSize((int) tokens);
            assertThat(tables.get("activations")).hasSize(2 * (int) tokens);

            int checked = 0;
            for (Row t : tables.get("token_stats")) {
                int[] ids = samples.get(t.getLong(0));
                int position = t.getInt(1);
                SampleResult alone = analyzer.analyze(List.of(ids)).get(0);
                assertThat(t.getInt(2)).isEqualTo(ids[position]);
                assertThat(t.getDouble(5)).isCloseTo(alone.gradNorm()[position], within(1e-5));
                if (position < ids.length - 1) {
                    assertThat(t.getDouble(4)).isCloseTo(alone.loss()[position], within(1e-5));
                }
                checked++;
            }
            assertThat(checked).isEqualTo(tokens);
        }
    }

    /** One sample's pairs split over two host threads give the sums one thread gives. */
    @Test
    void distanceSumsSplitOverThreadsEqualOneThreads() {
        GptConfig small = GptConfig.of(27, 8, 16, 3, 2);
        Random random = new Random(5);
        List<InternalRow> input = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            int[] ids = new int[1 + random.nextInt(8)];
            for (int p = 0; p < ids.length; p++) {
                ids[p] = random.nextInt(27);
            }
            input.add(tokensRow(200L + i, ids));
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(GptWeights.random(small, manager, 9)), manager, 2, false);
            ExtractSettings settings =
                    new ExtractSettings(3, 6, 2, false, PatternSelection.none(), PatternSelection.all(), "cpu");
            List<List<Row>> partials = new ArrayList<>();
            for (long split : new long[] {Long.MAX_VALUE, 0}) {
                Map<String, List<Row>> tables = new HashMap<>();
                TableSink sink = (table, schema, row) ->
                        tables.computeIfAbsent(table, t -> new ArrayList<>()).add(InternalRows.external(schema, row));
                ExtractTask task =
                        new ExtractTask(analyzer, settings, n -> {}, ModelThread.acquire(), 2, sink, ExtractTables.ALL);
                task.splitComparisons = split;
                task.run(input.iterator());
                partials.add(tables.get(ExtractTables.DISTANCE_PARTIALS));
            }
            assertThat(partials.get(0)).hasSize(15); // the pairs of 6 heads
            for (int pair = 0; pair < 15; pair++) {
                Row one = partials.get(0).get(pair);
                Row split = partials.get(1).get(pair);
                assertThat(split.getInt(0)).isEqualTo(one.getInt(0));
                assertThat(split.getInt(1)).isEqualTo(one.getInt(1));
                assertThat(split.getLong(2)).isEqualTo(one.getLong(2)).isPositive();
                assertThat(split.getDouble(3)).isEqualTo(one.getDouble(3));
            }
        }
    }

    @Test
    void aFailureOnTheModelThreadComesBackAsThrown() {
        try (ModelThread thread = ModelThread.acquire()) {
            var failed = thread.submit(() -> {
                throw new IllegalArgumentException("token id 99 outside the vocabulary");
            });
            assertThatThrownBy(() -> thread.await(failed))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("token id 99 outside the vocabulary");
        }
    }

    /** A {@code tokens} row as extract reads it ({@link ExtractTask#INPUT_COLUMNS}). */
    private static InternalRow tokensRow(long sampleId, int[] ids) {
        UTF8String[] pieces = new UTF8String[ids.length];
        for (int p = 0; p < ids.length; p++) {
            pieces[p] = UTF8String.fromString(ids[p] == 0 ? "." : Character.toString('a' + ids[p] - 1));
        }
        return new GenericInternalRow(new Object[] {
            sampleId,
            UnsafeArrayData.fromPrimitiveArray(ids),
            new GenericArrayData(pieces),
            UTF8String.fromString("test"),
            sampleId
        });
    }
}
