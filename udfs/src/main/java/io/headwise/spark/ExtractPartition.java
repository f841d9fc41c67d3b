package io.headwise.spark;

import ai.djl.Device;
import io.headwise.model.Analyzer;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The executor side of {@code extract}: {@code tokens} rows ({@link ExtractTask#INPUT_COLUMNS}) in,
 * every table's rows written into this task attempt's files under {@code runDir}, and one {@link
 * TaskTableFiles.Written} out for the driver to commit. The model comes from the JVM's {@link
 * ModelCache} and runs on a {@link ModelThread} of the task, with as many PyTorch threads as the
 * task has CPUs ({@code spark.task.cpus}); {@code analysed} counts samples through the model (one
 * pass each).
 */
public final class ExtractPartition implements FlatMapFunction<Iterator<InternalRow>, TaskTableFiles.Written> {

    private static final long serialVersionUID = 1L;

    private final ShippedModel model;
    private final ExtractSettings settings;
    private final LongAccumulator analysed;
    private final String runDir;

    /** @param runDir the (staging) run directory the tables are written under */
    public ExtractPartition(ShippedModel model, ExtractSettings settings, LongAccumulator analysed, String runDir) {
        this.model = model;
        this.settings = settings;
        this.analysed = analysed;
        this.runDir = runDir;
    }

    /** The {@code tokens} columns the partition function reads, in its order. */
    public static List<String> inputColumns() {
        return ExtractTask.INPUT_COLUMNS;
    }

    @Override
    public Iterator<TaskTableFiles.Written> call(Iterator<InternalRow> rows) {
        Device device = DeviceChoice.forTask(settings.device());
        TaskContext task = TaskContext.get();
        ModelThread modelThread = ModelThread.acquire();
        int partition = task != null ? task.partitionId() : 0;
        long attempt = task != null ? task.taskAttemptId() : 0;
        TaskTableFiles files = new TaskTableFiles(runDir, partition, attempt, ShippedModel.hadoopConf());
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> {
                modelThread.close();
                files.close();
            });
        }
        int threads = ModelThread.taskCores();
        ModelCache.Loaded loaded = modelThread.leaseModel(model, device, threads);
        Analyzer analyzer = new Analyzer(loaded.gpt(), loaded.manager(), settings.mlpTopK(), settings.gradients());
        if (partition == 0) {
            // Every table gets at least one file, so that an empty one still has its schema on disk.
            for (SampleTable<ExtractedSample> table : ExtractTables.ALL) {
                files.touch(table.name(), table.schema());
            }
            files.touch(ExtractTables.MASS_PARTIALS, Schemas.HEAD_TOKEN_MASS_SCHEMA);
            files.touch(ExtractTables.DISTANCE_PARTIALS, ExtractTables.DISTANCE_PARTIALS_SCHEMA);
            files.touch(ExtractTables.REJECT_ROWS, Schemas.REJECTS_SCHEMA);
        }
        ExtractTask extract =
                new ExtractTask(analyzer, settings, analysed::add, modelThread, threads, files, ExtractTables.ALL);
        if (extract.step(rows)) {
            InjectedFaults.afterFirstBatch(task);
        }
        extract.run(rows);
        return List.of(files.finish()).iterator();
    }
}
