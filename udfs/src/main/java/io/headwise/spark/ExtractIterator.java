package io.headwise.spark;

import io.headwise.model.Analyzer;
import io.headwise.model.GptConfig;
import io.headwise.model.SampleResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams one partition through the model: reads a window of at most {@code settings.window()}
 * {@code tokens} rows, rejects the unusable ones, sorts the rest by length (so a batch pads
 * little), analyses them {@code batchSize} at a time and hands out each batch's {@link
 * ExtractRecords records} before reading more. After the last batch it emits the partition's
 * {@code head_token_mass} partial sums.
 *
 * <p>The model runs on a thread of its own ({@link ModelThread}), one batch ahead of the task's
 * thread, which hands the records to Spark (caching, writing the first table). The model thread
 * also builds each batch's records right after its pass ({@link ExtractRecords#sample}: the head
 * statistics read every attention weight, ~25 ms a sample for GPT-2 small's 144 heads over 128
 * tokens), spread over the task's cores ({@link HostThreads}). Built beside the pass instead, on a
 * task with more than one PyTorch thread, that work stalled the model: each parallel operator waits
 * for its slowest thread, and a preempted one is late (bench/extract-results.md, session 7). Memory
 * is bounded by one window of input, two batches of results and records, never the partition; the
 * per-batch NDManagers are closed by {@link Analyzer#analyze}.
 */
final class ExtractIterator implements Iterator<byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(ExtractIterator.class);

    /** Batches submitted to the model thread and not yet handed to Spark (one running, one ready). */
    static final int IN_FLIGHT = 2;

    private final Iterator<Row> input;
    private final Analyzer analyzer;
    private final ExtractSettings settings;
    private final LongConsumer analysed;
    private final GptConfig config;
    private final HeadTokenMass mass;
    private final ArrayDeque<byte[]> output = new ArrayDeque<>();
    private final ArrayDeque<Sample> window = new ArrayDeque<>();
    private final ArrayDeque<Pending> inFlight = new ArrayDeque<>();
    private final ModelThread modelThread;
    private final int hostThreads;
    private int idsField = -1;
    private long samples;
    // Added to on the model thread; read after Future.get of its batches.
    private long modelNanos;
    private long recordNanos;
    private long waitNanos;
    private boolean massEmitted;

    /** A usable input row. */
    private record Sample(long sampleId, int[] ids, List<String> pieces) {}

    /** A batch on the model thread. */
    private record Pending(List<Sample> batch, Future<Analysed> done) {}

    /** A batch's model results and its records, in batch order. */
    private record Analysed(List<SampleResult> results, List<byte[]> records) {}

    /**
     * @param hostThreads threads that build a batch's records (the task's cores)
     */
    ExtractIterator(
            Iterator<Row> input,
            Analyzer analyzer,
            ExtractSettings settings,
            LongConsumer analysed,
            ModelThread modelThread,
            int hostThreads) {
        this.input = input;
        this.modelThread = modelThread;
        this.hostThreads = hostThreads;
        this.analyzer = analyzer;
        this.settings = settings;
        this.analysed = analysed;
        this.config = analyzer.config();
        this.mass = new HeadTokenMass(config.nLayer(), config.nHead(), config.vocabSize());
    }

    @Override
    public boolean hasNext() {
        while (output.isEmpty() && !massEmitted) {
            advance();
        }
        return !output.isEmpty();
    }

    @Override
    public byte[] next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return output.poll();
    }

    /** Keeps the model thread busy, then turns the oldest batch into records, or ends the partition. */
    private void advance() {
        while (inFlight.size() < IN_FLIGHT) {
            if (window.isEmpty()) {
                fillWindow();
            }
            if (window.isEmpty()) {
                break;
            }
            submitBatch();
        }
        if (!inFlight.isEmpty()) {
            emitBatch(inFlight.poll());
        } else if (!input.hasNext()) {
            mass.drain(this::emitMass);
            massEmitted = true;
            modelThread.close();
            LOG.info(
                    "extract partition: {} samples; model {} s, records {} s on {} threads; the task waited {} s",
                    samples,
                    String.format("%.1f", modelNanos / 1e9),
                    String.format("%.1f", recordNanos / 1e9),
                    hostThreads,
                    String.format("%.1f", waitNanos / 1e9));
        }
    }

    private void fillWindow() {
        List<Sample> read = new ArrayList<>();
        while (read.size() < settings.window() && input.hasNext()) {
            Row row = input.next();
            if (idsField < 0) {
                idsField = row.fieldIndex("token_ids");
            }
            Sample sample = sample(row);
            if (sample != null) {
                read.add(sample);
            }
        }
        read.sort(Comparator.comparingInt(s -> s.ids().length));
        window.addAll(read);
    }

    private void submitBatch() {
        List<Sample> batch = new ArrayList<>(settings.batchSize());
        List<int[]> ids = new ArrayList<>(settings.batchSize());
        while (batch.size() < settings.batchSize() && !window.isEmpty()) {
            Sample s = window.poll();
            batch.add(s);
            ids.add(s.ids());
        }
        inFlight.add(new Pending(batch, modelThread.submit(() -> {
            long started = System.nanoTime();
            List<SampleResult> results = analyzer.analyze(ids);
            long analysedAt = System.nanoTime();
            modelNanos += analysedAt - started;
            List<byte[]> records = HostThreads.map(batch.size(), hostThreads, i -> {
                Sample s = batch.get(i);
                boolean withPatterns = settings.patterns().selects(s.sampleId());
                return ExtractRecords.sample(s.sampleId(), results.get(i), s.pieces(), withPatterns);
            });
            recordNanos += System.nanoTime() - analysedAt;
            return new Analysed(results, records);
        })));
    }

    private void emitBatch(Pending pending) {
        List<Sample> batch = pending.batch();
        long started = System.nanoTime();
        Analysed done = modelThread.await(pending.done());
        waitNanos += System.nanoTime() - started;
        analysed.accept(batch.size());
        samples += batch.size();
        for (int i = 0; i < batch.size(); i++) {
            Sample s = batch.get(i);
            output.add(done.records().get(i));
            mass.add(done.results().get(i).patterns(), s.ids(), s.pieces(), this::emitMass);
        }
    }

    private void emitMass(int layer, int head, int tokenId, String token, double value) {
        output.add(ExtractRecords.mass(layer, head, tokenId, token, value));
    }

    /** The sample of a {@code tokens} row, or null after queueing its {@code rejects} row. */
    private Sample sample(Row row) {
        List<Integer> idList = row.getList(idsField);
        List<String> pieces = row.getList(row.fieldIndex("tokens"));
        int[] ids = new int[idList.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = idList.get(i);
        }
        String reason = rejectReason(ids, pieces.size(), config);
        if (reason != null) {
            Object docId = row.get(row.fieldIndex("doc_id"));
            output.add(ExtractRecords.reject(row.getString(row.fieldIndex("source")), (Long) docId, reason, pieces));
            return null;
        }
        return new Sample(row.getLong(row.fieldIndex("sample_id")), ids, pieces);
    }

    /**
     * Why {@code extract} cannot use a sample, or null when it can.
     *
     * @param pieces the length of its {@code tokens} column
     */
    static String rejectReason(int[] ids, int pieces, GptConfig config) {
        if (ids.length == 0) {
            return "extract: empty sample (no tokens)";
        }
        if (ids.length > config.nPositions()) {
            return String.format(
                    "extract: %d tokens, longer than the model's n_positions (%d)", ids.length, config.nPositions());
        }
        if (pieces != ids.length) {
            return String.format("extract: %d token ids but %d tokens", ids.length, pieces);
        }
        for (int p = 0; p < ids.length; p++) {
            if (ids[p] < 0 || ids[p] >= config.vocabSize()) {
                return String.format(
                        "extract: token id %d at position %d is outside the model's vocabulary (vocab_size %d)",
                        ids[p], p, config.vocabSize());
            }
        }
        return null;
    }
}
