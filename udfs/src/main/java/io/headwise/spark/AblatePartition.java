package io.headwise.spark;

import ai.djl.Device;
import io.headwise.corpus.Utf8Text;
import io.headwise.model.AblationSums;
import io.headwise.model.GptConfig;
import io.headwise.model.Intervention;
import io.headwise.model.InterventionPass;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The executor side of {@code ablate}: {@code tokens} rows ({@link #INPUT_COLUMNS}) in; out, one
 * {@link Output} per partition: every intervention's {@link AblationSums} over the partition's
 * samples, and the files the task wrote under the staging directory ({@link TaskTableFiles}): the
 * reject rows ({@link AblationTables#REJECT_ROWS}) and, with {@code --per-sample}, {@code
 * ablation_deltas}. For the first pass of mean ablation, {@link #zSums} sums each head's {@code z}
 * over the partition's positions instead. Samples {@code extract} would reject, and those with one
 * token (no prediction, so no Δ), are rejects; samples {@code --samples} leaves out are skipped. The
 * model comes from the JVM's {@link ModelCache} and runs on a {@link ModelThread}.
 */
public final class AblatePartition implements FlatMapFunction<Iterator<Row>, AblatePartition.Output> {

    private static final long serialVersionUID = 1L;

    /** The {@code tokens} columns read, in this order. */
    public static final List<String> INPUT_COLUMNS = ExtractTask.INPUT_COLUMNS;

    /**
     * The most rows (intervention × sample) of one forward pass; fewer when their patterns at
     * n_positions tokens would not fit {@link InterventionPass#PATTERN_BUDGET}.
     */
    public static final int MAX_ROWS = 1024;

    /** What one partition's task gives the driver. */
    public record Output(TaskTableFiles.Written files, AblationSums sums) implements Serializable {}

    private final ShippedModel model;
    private final List<String> interventions;
    private final PatternSelection samples;
    private final int batchSize;
    private final float[][][] zMean;
    private final boolean perSample;
    private final String runDir;

    /**
     * @param interventions canonical texts, parsed again on the executor
     * @param zMean {@code [L][H][D]}, or null when no intervention mean-ablates
     * @param perSample also write each sample's Δ under each intervention ({@code ablation_deltas})
     * @param runDir the (staging) run directory the task's files are written under
     */
    public AblatePartition(
            ShippedModel model,
            List<String> interventions,
            PatternSelection samples,
            int batchSize,
            float[][][] zMean,
            boolean perSample,
            String runDir) {
        this.model = model;
        this.interventions = List.copyOf(interventions);
        this.samples = samples;
        this.batchSize = batchSize;
        this.zMean = zMean;
        this.perSample = perSample;
        this.runDir = runDir;
    }

    @Override
    public Iterator<Output> call(Iterator<Row> rows) {
        TaskContext task = TaskContext.get();
        int partition = task != null ? task.partitionId() : 0;
        long attempt = task != null ? task.taskAttemptId() : 0;
        ModelThread modelThread = ModelThread.acquire();
        TaskTableFiles files = new TaskTableFiles(runDir, partition, attempt, ShippedModel.hadoopConf());
        try {
            ModelCache.Loaded loaded = load(modelThread, model);
            GptConfig config = loaded.gpt().config();
            List<Intervention> parsed = new ArrayList<>();
            parsed.add(Intervention.none());
            for (String text : interventions) {
                parsed.add(Intervention.parse(text, config));
            }
            if (partition == 0) {
                // Every table gets at least one file, so that an empty one still has its schema on disk.
                files.touch(AblationTables.REJECT_ROWS, Schemas.REJECTS_SCHEMA);
                if (perSample) {
                    files.touch(AblationTables.ABLATION_DELTAS, AblationTables.ABLATION_DELTAS_SCHEMA);
                }
            }
            // Rows of n_positions tokens within the pattern budget: what the longest sample needs.
            InterventionPass pass = new InterventionPass(
                    loaded.gpt(),
                    loaded.manager(),
                    InterventionPass.rowsWithinBudget(config, config.nPositions(), MAX_ROWS));
            Batches batches = new Batches(pass, parsed, files, new AblationSums(interventions.size()));
            List<Long> sampleIds = new ArrayList<>(batchSize);
            List<int[]> batch = new ArrayList<>(batchSize);
            while (rows.hasNext()) {
                Row row = rows.next();
                if (!samples.selects(row.getLong(0))) {
                    continue;
                }
                int[] ids = ids(row);
                String reason = rejectReason(ids, row, config);
                if (reason != null) {
                    files.write(AblationTables.REJECT_ROWS, Schemas.REJECTS_SCHEMA, rejectRow(row, reason));
                    continue;
                }
                sampleIds.add(row.getLong(0));
                batch.add(ids);
                if (batch.size() == batchSize) {
                    batches.run(modelThread, sampleIds, List.copyOf(batch));
                    sampleIds.clear();
                    batch.clear();
                }
            }
            if (!batch.isEmpty()) {
                batches.run(modelThread, sampleIds, List.copyOf(batch));
            }
            return List.of(new Output(files.finish(), batches.sums)).iterator();
        } finally {
            modelThread.close();
            files.close();
        }
    }

    /** Runs batches through the model under every intervention and adds them to the partition's sums. */
    private final class Batches {
        private final InterventionPass pass;
        private final List<Intervention> parsed;
        private final TaskTableFiles files;
        private final AblationSums sums;
        /** Per intervention: the ablated head of a single-head zero ablation, or null. */
        private final Intervention.Zero[] singleZero;

        private final UTF8String[] texts;
        private final boolean anyZero;

        Batches(InterventionPass pass, List<Intervention> parsed, TaskTableFiles files, AblationSums sums) {
            this.pass = pass;
            this.parsed = parsed;
            this.files = files;
            this.sums = sums;
            singleZero = new Intervention.Zero[parsed.size() - 1];
            texts = new UTF8String[parsed.size() - 1];
            boolean zero = false;
            for (int k = 0; k < singleZero.length; k++) {
                Intervention intervention = parsed.get(k + 1);
                texts[k] = UTF8String.fromString(intervention.text());
                if (intervention.kind().equals("zero")) {
                    singleZero[k] = (Intervention.Zero) intervention.edits().get(0);
                    zero = true;
                }
            }
            anyZero = zero;
        }

        /** @param ids the batch's token ids, not changed afterwards (the model thread reads them) */
        void run(ModelThread modelThread, List<Long> sampleIds, List<int[]> ids) {
            float[][][] losses = modelThread.await(modelThread.submit(() -> pass.tokenLosses(ids, parsed, zMean)));
            float[][][] grads = anyZero ? modelThread.await(modelThread.submit(() -> pass.headGrad(ids))) : null;
            for (int b = 0; b < ids.size(); b++) {
                int predictions = ids.get(b).length - 1;
                double base = InterventionPass.meanLoss(losses[0][b]);
                long sampleId = sampleIds.get(b);
                for (int k = 0; k < singleZero.length; k++) {
                    double loss = InterventionPass.meanLoss(losses[k + 1][b]);
                    Intervention.Zero zero = singleZero[k];
                    double negGrad = zero == null ? Double.NaN : -(double) grads[b][zero.layer()][zero.head()];
                    sums.add(k, predictions, base, loss, negGrad);
                    if (perSample) {
                        files.write(
                                AblationTables.ABLATION_DELTAS,
                                AblationTables.ABLATION_DELTAS_SCHEMA,
                                new GenericInternalRow(new Object[] {sampleId, texts[k], loss - base}));
                    }
                }
            }
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
                    if (samples.selects(row.getLong(0))) {
                        int[] ids = ids(row);
                        if (rejectReason(ids, row, config) == null) {
                            batch.add(ids);
                        }
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

    /** Why ablate cannot use a sample, or null. */
    private static String rejectReason(int[] ids, Row row, GptConfig config) {
        String reason = ExtractTask.rejectReason(ids, row.getList(2).size(), config);
        if (reason != null) {
            return "ablate:" + reason.substring("extract:".length());
        }
        return ids.length < 2 ? "ablate: one token, no next-token prediction to change" : null;
    }

    private static InternalRow rejectRow(Row row, String reason) {
        List<String> pieces = row.getList(2);
        return new GenericInternalRow(new Object[] {
            UTF8String.fromString(row.getString(3)),
            row.isNullAt(4) ? null : row.getLong(4),
            UTF8String.fromString(reason),
            UTF8String.fromString(Utf8Text.excerpt(String.join("", pieces)))
        });
    }
}
