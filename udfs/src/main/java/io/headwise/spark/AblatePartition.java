package io.headwise.spark;

import ai.djl.Device;
import io.headwise.model.GptConfig;
import io.headwise.model.Intervention;
import io.headwise.model.InterventionPass;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The executor side of {@code ablate}: {@code tokens} rows ({@link #INPUT_COLUMNS}) in, rows of
 * {@link AblationTables#SAMPLE_ROWS_SCHEMA} out; or, for the first pass of mean ablation ({@link
 * #zSums}), each head's {@code z} summed over the partition's positions. Samples {@code extract}
 * would reject, and those with one token (no prediction, so no Δ), become reject rows; samples
 * {@code --samples} leaves out are skipped. The model comes from the JVM's {@link ModelCache} and
 * runs on a {@link ModelThread}.
 */
public final class AblatePartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    /** The {@code tokens} columns read, in this order. */
    public static final List<String> INPUT_COLUMNS = List.of("sample_id", "token_ids", "tokens", "source", "doc_id");

    /**
     * The most rows (intervention × sample) of one forward pass; fewer when their patterns at
     * n_positions tokens would not fit {@link InterventionPass#PATTERN_BUDGET}.
     */
    public static final int MAX_ROWS = 1024;

    private final ShippedModel model;
    private final List<String> interventions;
    private final PatternSelection samples;
    private final int batchSize;
    private final float[][][] zMean;

    /**
     * @param interventions canonical texts, parsed again on the executor
     * @param zMean {@code [L][H][D]}, or null when no intervention mean-ablates
     */
    public AblatePartition(
            ShippedModel model,
            List<String> interventions,
            PatternSelection samples,
            int batchSize,
            float[][][] zMean) {
        this.model = model;
        this.interventions = List.copyOf(interventions);
        this.samples = samples;
        this.batchSize = batchSize;
        this.zMean = zMean;
    }

    /**
     * The partition's rows, one batch at a time: a batch's rows are made when the previous batch's
     * have been consumed, so a task holds at most one batch of rows (batch × interventions), not the
     * partition's. The model thread is given back when the input is exhausted, or when the task ends.
     */
    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        ModelThread modelThread = ModelThread.acquire();
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> modelThread.close());
        }
        try {
            ModelCache.Loaded loaded = load(modelThread);
            GptConfig config = loaded.gpt().config();
            List<Intervention> parsed = new ArrayList<>();
            parsed.add(Intervention.none());
            boolean[] singleZero = new boolean[interventions.size()];
            for (int k = 0; k < interventions.size(); k++) {
                Intervention intervention = Intervention.parse(interventions.get(k), config);
                parsed.add(intervention);
                singleZero[k] = intervention.kind().equals("zero");
            }
            // Rows of n_positions tokens within the pattern budget: what the longest sample needs.
            InterventionPass pass = new InterventionPass(
                    loaded.gpt(),
                    loaded.manager(),
                    InterventionPass.rowsWithinBudget(config, config.nPositions(), MAX_ROWS));
            return new Iterator<>() {
                private final ArrayDeque<Row> ready = new ArrayDeque<>();
                private final List<Row> batch = new ArrayList<>();

                @Override
                public boolean hasNext() {
                    fill();
                    return !ready.isEmpty();
                }

                @Override
                public Row next() {
                    if (!hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return ready.poll();
                }

                private void fill() {
                    while (ready.isEmpty() && rows.hasNext()) {
                        Row row = rows.next();
                        if (!samples.selects(row.getLong(0))) {
                            continue;
                        }
                        Row reject = reject(row, config);
                        if (reject != null) {
                            ready.add(reject);
                            continue;
                        }
                        batch.add(row);
                        if (batch.size() == batchSize) {
                            runBatch();
                        }
                    }
                    if (ready.isEmpty() && !batch.isEmpty()) {
                        runBatch(); // the input is exhausted: the last, shorter batch
                    }
                    if (ready.isEmpty()) {
                        modelThread.close();
                    }
                }

                private void runBatch() {
                    List<Row> rowsOfBatch = List.copyOf(batch);
                    batch.clear();
                    ready.addAll(
                            modelThread.await(modelThread.submit(() -> run(pass, rowsOfBatch, parsed, singleZero))));
                }
            };
        } catch (RuntimeException | Error e) {
            modelThread.close();
            throw e;
        }
    }

    /** Each head's {@code z} summed over the selected, usable samples of a partition: one element. */
    public static FlatMapFunction<Iterator<Row>, InterventionPass.ZSum> zSums(
            ShippedModel model, PatternSelection samples, int batchSize) {
        return rows -> {
            ModelThread modelThread = ModelThread.acquire();
            try {
                ModelCache.Loaded loaded = load(modelThread, model);
                GptConfig config = loaded.gpt().config();
                InterventionPass pass = new InterventionPass(loaded.gpt(), loaded.manager(), MAX_ROWS);
                InterventionPass.ZSum total = null;
                List<int[]> batch = new ArrayList<>();
                while (rows.hasNext()) {
                    Row row = rows.next();
                    if (samples.selects(row.getLong(0)) && reject(row, config) == null) {
                        batch.add(ids(row));
                    }
                    if (!batch.isEmpty() && (batch.size() == batchSize || !rows.hasNext())) {
                        List<int[]> ids = List.copyOf(batch);
                        InterventionPass.ZSum sum = modelThread.await(modelThread.submit(() -> pass.zSum(ids)));
                        total = total == null ? sum : total.plus(sum);
                        batch.clear();
                    }
                }
                return total == null
                        ? List.<InterventionPass.ZSum>of().iterator()
                        : List.of(total).iterator();
            } finally {
                modelThread.close();
            }
        };
    }

    /** One row per sample × intervention of a batch: its Δ, and −head_grad for a single-head zero ablation. */
    private List<Row> run(InterventionPass pass, List<Row> batch, List<Intervention> parsed, boolean[] singleZero) {
        List<int[]> ids = new ArrayList<>(batch.size());
        for (Row row : batch) {
            ids.add(ids(row));
        }
        float[][][] losses = pass.tokenLosses(ids, parsed, zMean);
        boolean anyZero = false;
        for (boolean zero : singleZero) {
            anyZero |= zero;
        }
        float[][][] grads = anyZero ? pass.headGrad(ids) : null;
        List<Row> rows = new ArrayList<>(batch.size() * singleZero.length);
        for (int b = 0; b < batch.size(); b++) {
            double base = InterventionPass.meanLoss(losses[0][b]);
            for (int k = 0; k < singleZero.length; k++) {
                double loss = InterventionPass.meanLoss(losses[k + 1][b]);
                Double negGrad = null;
                if (singleZero[k]) {
                    Intervention.Zero zero =
                            (Intervention.Zero) parsed.get(k + 1).edits().get(0);
                    negGrad = -(double) grads[b][zero.layer()][zero.head()];
                }
                rows.add(RowFactory.create(
                        batch.get(b).getLong(0),
                        k,
                        ids.get(b).length - 1,
                        base,
                        loss,
                        loss - base,
                        negGrad,
                        null,
                        null,
                        null,
                        null));
            }
        }
        return rows;
    }

    private ModelCache.Loaded load(ModelThread modelThread) {
        return load(modelThread, model);
    }

    private static ModelCache.Loaded load(ModelThread modelThread, ShippedModel model) {
        return modelThread.leaseModel(model, Device.cpu(), ModelThread.taskCores());
    }

    private static int[] ids(Row row) {
        List<Integer> list = row.getList(1);
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = list.get(i);
        }
        return ids;
    }

    /** The reject row of a sample ablate cannot use, or null. */
    private static Row reject(Row row, GptConfig config) {
        int[] ids = ids(row);
        List<String> pieces = row.getList(2);
        String reason = ExtractTask.rejectReason(ids, pieces.size(), config);
        if (reason != null) {
            reason = "ablate:" + reason.substring("extract:".length());
        } else if (ids.length < 2) {
            reason = "ablate: one token, no next-token prediction to change";
        }
        if (reason == null) {
            return null;
        }
        String excerpt = io.headwise.corpus.Utf8Text.excerpt(String.join("", pieces));
        return RowFactory.create(
                row.getLong(0),
                null,
                null,
                null,
                null,
                null,
                null,
                row.getString(3),
                row.isNullAt(4) ? null : row.getLong(4),
                reason,
                excerpt);
    }
}
