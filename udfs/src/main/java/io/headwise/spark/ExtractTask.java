package io.headwise.spark;

import io.headwise.corpus.Utf8Text;
import io.headwise.metrics.PairwiseDistances;
import io.headwise.model.Analyzer;
import io.headwise.model.GptConfig;
import io.headwise.model.SampleResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Future;
import java.util.function.LongConsumer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.types.UTF8String;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One partition of {@code extract}, start to end: reads a window of at most {@code
 * settings.window()} {@code tokens} rows ({@link #INPUT_COLUMNS}, Spark's internal rows: token ids
 * and pieces are copied out once, never boxed), rejects the unusable ones, sorts the rest by length
 * (so a batch pads little), analyses them {@code batchSize} at a time and writes each batch's rows
 * into every table ({@link ExtractTables}) as soon as it is back. After the last batch it writes the
 * partition's {@code head_token_mass} and head-distance partial sums.
 *
 * <p>The model runs on a thread of its own ({@link ModelThread}), one batch ahead of the task's
 * thread, which writes the previous batch's rows meanwhile. The model thread also copies each
 * sample's results out of the batch's host arrays ({@link Analyzer.Batch#sample}) and derives its
 * head statistics and distance sums ({@link ExtractedSample#of}) right after its pass, spread over
 * the task's cores ({@link HostThreads}): built beside the pass instead, on a task with
 * more than one PyTorch thread, that work stalled the model (each parallel operator waits for its
 * slowest thread). Memory is bounded by one window of input and two batches of results, never the
 * partition; the per-batch NDManagers are closed by {@link Analyzer#analyzeBatch}.
 */
final class ExtractTask {

    private static final Logger LOG = LoggerFactory.getLogger(ExtractTask.class);

    /** The {@code tokens} columns extract reads, in this order. */
    static final List<String> INPUT_COLUMNS = List.of("sample_id", "token_ids", "tokens", "source", "doc_id");

    /** Weights compared (pairs × cells) above which one sample's distance sums are split over threads. */
    static final long SPLIT_COMPARISONS = 1L << 22;

    /** Batches submitted to the model thread and not yet written (one running, one ready). */
    static final int IN_FLIGHT = 2;

    private final Analyzer analyzer;
    private final ExtractSettings settings;
    private final LongConsumer analysed;
    private final GptConfig config;
    private final ModelThread modelThread;
    private final int hostThreads;
    private final TableSink files;
    private final List<SampleTable<ExtractedSample>> tables;
    private final HeadTokenMass mass;
    private final PairwiseDistances distances;
    private final UTF8String[] vocabulary;
    private final ArrayDeque<Sample> window = new ArrayDeque<>();
    private final ArrayDeque<Future<List<ExtractedSample>>> inFlight = new ArrayDeque<>();
    private long samples;
    /** {@link #SPLIT_COMPARISONS}; lowered by tests to split every sample. */
    long splitComparisons = SPLIT_COMPARISONS;
    // Added to on the model thread; read after Future.get of its batches.
    private long modelNanos;
    private long hostNanos;
    private long writeNanos;

    /** A usable input row. */
    private record Sample(long sampleId, int[] ids, UTF8String[] pieces) {}

    /**
     * @param hostThreads threads that derive a batch's statistics (the task's cores)
     * @param files where the rows go, by table
     * @param tables the per-sample tables to write (all of {@link ExtractTables#ALL} for the job)
     */
    ExtractTask(
            Analyzer analyzer,
            ExtractSettings settings,
            LongConsumer analysed,
            ModelThread modelThread,
            int hostThreads,
            TableSink files,
            List<SampleTable<ExtractedSample>> tables) {
        this.analyzer = analyzer;
        this.settings = settings;
        this.analysed = analysed;
        this.config = analyzer.config();
        this.modelThread = modelThread;
        this.hostThreads = hostThreads;
        this.files = files;
        this.tables = tables;
        this.mass = new HeadTokenMass(config.nLayer(), config.nHead(), config.vocabSize());
        this.distances = new PairwiseDistances(config.nLayer() * config.nHead());
        this.vocabulary =
                settings.vocabulary().stream().map(UTF8String::fromString).toArray(UTF8String[]::new);
    }

    /** Reads the whole partition and writes its rows. */
    void run(Iterator<InternalRow> input) {
        while (step(input)) {
            // each step writes one batch
        }
        finish();
    }

    /**
     * Submits batches until {@link #IN_FLIGHT} are with the model (reading more input as needed),
     * then writes the oldest one's rows.
     *
     * @return false when the input is exhausted and every batch was written
     */
    boolean step(Iterator<InternalRow> input) {
        while (inFlight.size() < IN_FLIGHT) {
            if (window.isEmpty()) {
                fillWindow(input);
            }
            if (window.isEmpty()) {
                break;
            }
            submitBatch();
        }
        if (inFlight.isEmpty()) {
            return false;
        }
        writeBatch(inFlight.poll());
        return true;
    }

    /** After the last {@link #step}: stops the model thread, writes the partition's partial sums. */
    void finish() {
        modelThread.close();
        long started = System.nanoTime();
        mass.drain((layer, head, tokenId, token, value) -> files.write(
                ExtractTables.MASS_PARTIALS, Schemas.HEAD_TOKEN_MASS_SCHEMA, row(layer, head, tokenId, token, value)));
        writeDistances();
        writeNanos += System.nanoTime() - started;
        LOG.info(
                "extract partition: {} samples; model {} s, statistics {} s on {} threads, rows {} s",
                samples,
                seconds(modelNanos),
                seconds(hostNanos),
                hostThreads,
                seconds(writeNanos));
    }

    private void fillWindow(Iterator<InternalRow> input) {
        List<Sample> read = new ArrayList<>();
        while (read.size() < settings.window() && input.hasNext()) {
            Sample sample = sample(input.next());
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
        boolean[] explain = new boolean[batch.size()];
        for (int i = 0; i < explain.length; i++) {
            explain[i] = settings.explain().selects(batch.get(i).sampleId());
        }
        inFlight.add(modelThread.submit(() -> {
            long started = System.nanoTime();
            Analyzer.Batch analysed = analyzer.analyzeBatch(ids, explain);
            long analysedAt = System.nanoTime();
            modelNanos += analysedAt - started;
            List<SampleResult> results = HostThreads.map(batch.size(), hostThreads, analysed::sample);
            double[][] distanceSums = distanceSums(batch, results);
            List<ExtractedSample> extracted = HostThreads.map(batch.size(), hostThreads, i -> {
                Sample s = batch.get(i);
                boolean withPatterns = settings.patterns().selects(s.sampleId());
                return distanceSums[i] != null
                        ? ExtractedSample.of(
                                s.sampleId(), results.get(i), s.pieces(), withPatterns, distanceSums[i], vocabulary)
                        : ExtractedSample.of(
                                s.sampleId(),
                                results.get(i),
                                s.pieces(),
                                withPatterns,
                                settings.distances().selects(s.sampleId()),
                                vocabulary);
            });
            hostNanos += System.nanoTime() - analysedAt;
            return extracted;
        }));
    }

    /**
     * The distance sums of the batch's samples that {@code --distances} selects and that have at
     * least {@link #splitComparisons} weights to compare, each sample's pairs split over the task's
     * cores (null for the others, whose sums {@link ExtractedSample#of} computes on one thread):
     * one GPT-2-small-sized sample is 10,296 pairs, ~1.6 s of work that would otherwise hold one
     * host thread while the others, done with their statistics, and the model wait.
     */
    private double[][] distanceSums(List<Sample> batch, List<SampleResult> results) {
        double[][] sums = new double[batch.size()][];
        if (hostThreads < 2) {
            return sums;
        }
        long nHeads = (long) config.nLayer() * config.nHead();
        for (int i = 0; i < sums.length; i++) {
            SampleResult result = results.get(i);
            long t = result.length();
            long comparisons = nHeads * (nHeads - 1) / 2 * (t * (t + 1) / 2 - 1);
            if (t < 2
                    || comparisons < splitComparisons
                    || !settings.distances().selects(batch.get(i).sampleId())) {
                continue;
            }
            PairwiseDistances.SampleHeads heads = PairwiseDistances.prepare(ExtractedSample.heads(result.patterns()));
            double[] into = new double[heads.pairs()];
            int shares = hostThreads;
            HostThreads.map(shares, shares, s -> {
                heads.sums(heads.shareStart(s, shares), heads.shareStart(s + 1, shares), into);
                return null;
            });
            sums[i] = into;
        }
        return sums;
    }

    private void writeBatch(Future<List<ExtractedSample>> pending) {
        List<ExtractedSample> batch = modelThread.await(pending);
        long started = System.nanoTime();
        analysed.accept(batch.size());
        samples += batch.size();
        for (ExtractedSample s : batch) {
            for (SampleTable<ExtractedSample> table : tables) {
                table.rows(s, row -> files.write(table.name(), table.schema(), row));
            }
            mass.add(
                    s.result().patterns(),
                    s.result().tokenIds(),
                    s.pieces(),
                    (l, h, id, token, value) -> files.write(
                            ExtractTables.MASS_PARTIALS, Schemas.HEAD_TOKEN_MASS_SCHEMA, row(l, h, id, token, value)));
            if (s.distanceSums() != null) {
                distances.addSums(s.distanceSums(), s.length() - 1);
            }
        }
        writeNanos += System.nanoTime() - started;
    }

    private void writeDistances() {
        int h = distances.nHeads();
        for (int a = 0; a < h; a++) {
            for (int b = a + 1; b < h; b++) {
                var pair = distances.pair(a, b);
                if (pair.nRows() > 0) {
                    files.write(
                            ExtractTables.DISTANCE_PARTIALS,
                            ExtractTables.DISTANCE_PARTIALS_SCHEMA,
                            row(a, b, pair.nRows(), pair.divergenceSum()));
                }
            }
        }
    }

    /** The sample of a {@code tokens} row, or null after writing its {@code rejects} row. */
    private Sample sample(InternalRow row) {
        int[] ids = row.getArray(1).toIntArray();
        ArrayData pieceData = row.getArray(2);
        UTF8String[] pieces = new UTF8String[pieceData.numElements()];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = pieceData.getUTF8String(i).clone(); // the input row's buffer is reused
        }
        String reason = rejectReason(ids, pieces.length, config);
        if (reason != null) {
            files.write(
                    ExtractTables.REJECT_ROWS,
                    Schemas.REJECTS_SCHEMA,
                    row(
                            row.getUTF8String(3).clone(),
                            row.isNullAt(4) ? null : row.getLong(4),
                            UTF8String.fromString(reason),
                            UTF8String.fromString(excerpt(pieces))));
            return null;
        }
        return new Sample(row.getLong(0), ids, pieces);
    }

    /** The first {@value Utf8Text#EXCERPT_CHARS} characters of a sample's decoded tokens. */
    static String excerpt(UTF8String[] pieces) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < pieces.length && text.length() <= Utf8Text.EXCERPT_CHARS; i++) {
            text.append(pieces[i].toString());
        }
        return Utf8Text.excerpt(text.toString());
    }

    /**
     * Why {@code extract} cannot use a sample, or null when it can.
     *
     * @param pieces the length of its {@code tokens} column
     */
    static String rejectReason(int[] ids, int pieces, GptConfig config) {
        String problem = config.sampleProblem(ids);
        if (problem != null) {
            return "extract: " + problem;
        }
        return pieces == ids.length ? null : String.format("extract: %d token ids but %d tokens", ids.length, pieces);
    }

    private static InternalRow row(Object... values) {
        return new GenericInternalRow(values);
    }

    private static String seconds(long nanos) {
        return String.format("%.1f", nanos / 1e9);
    }
}
