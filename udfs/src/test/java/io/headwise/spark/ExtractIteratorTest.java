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
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;
import scala.jdk.javaapi.CollectionConverters;

class ExtractIteratorTest {

    private final GptConfig config = GptConfig.of(27, 5, 8, 1, 2);

    @Test
    void rejectReasons() {
        assertThat(ExtractIterator.rejectReason(new int[] {0, 3, 0}, 3, config)).isNull();
        assertThat(ExtractIterator.rejectReason(new int[] {0, 1, 2, 3, 4}, 5, config))
                .isNull();
        assertThat(ExtractIterator.rejectReason(new int[0], 0, config)).isEqualTo("extract: empty sample (no tokens)");
        assertThat(ExtractIterator.rejectReason(new int[6], 6, config))
                .isEqualTo("extract: 6 tokens, longer than the model's n_positions (5)");
        assertThat(ExtractIterator.rejectReason(new int[] {0, 27}, 2, config))
                .isEqualTo("extract: token id 27 at position 1 is outside the model's vocabulary (vocab_size 27)");
        assertThat(ExtractIterator.rejectReason(new int[] {-1}, 1, config))
                .isEqualTo("extract: token id -1 at position 0 is outside the model's vocabulary (vocab_size 27)");
        assertThat(ExtractIterator.rejectReason(new int[] {0, 1}, 3, config))
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
        List<Row> input = new ArrayList<>();
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
            ExtractSettings settings = new ExtractSettings(3, 6, 2, true, PatternSelection.all(), "cpu");
            AtomicLong analysed = new AtomicLong();
            ModelThread thread = ModelThread.acquire();
            List<byte[]> out = new ArrayList<>();
            new ExtractIterator(input.iterator(), analyzer, settings, analysed::addAndGet, thread, 2)
                    .forEachRemaining(out::add);

            assertThat(analysed.get()).isEqualTo(11);
            assertThat(thread.isClosed()).isTrue();
            Map<String, List<Row>> tables = new HashMap<>();
            for (String table : ExtractRecords.TABLES) {
                List<Row> rows = new ArrayList<>();
                out.forEach(record -> ExtractRecords.rows(
                        table, record, row -> rows.add(InternalRows.external(Schemas.ALL.get(table), row))));
                tables.put(table, rows);
            }
            assertThat(tables.get("rejects")).hasSize(1);
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

    private static Row tokensRow(long sampleId, int[] ids) {
        List<Integer> idList = new ArrayList<>();
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            idList.add(id);
            pieces.add(id == 0 ? "." : Character.toString('a' + id - 1));
        }
        return new GenericRowWithSchema(
                new Object[] {
                    sampleId,
                    "test",
                    sampleId,
                    null,
                    0,
                    CollectionConverters.asScala(idList).toSeq(),
                    CollectionConverters.asScala(pieces).toSeq()
                },
                Schemas.TOKENS_SCHEMA);
    }
}
