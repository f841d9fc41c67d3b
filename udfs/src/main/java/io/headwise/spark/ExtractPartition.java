package io.headwise.spark;

import ai.djl.Device;
import io.headwise.model.Analyzer;
import io.headwise.model.TorchThreads;
import java.util.Iterator;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The executor side of {@code extract}: {@code tokens} rows in, {@link ExtractRecords} out,
 * streamed ({@link ExtractIterator}). The model comes from the JVM's {@link ModelCache} and runs on
 * a {@link ModelThread} of the task, with as many PyTorch threads as the task has CPUs ({@code
 * spark.task.cpus}); {@code analysed} counts samples through the model (one pass each).
 */
public final class ExtractPartition implements FlatMapFunction<Iterator<Row>, byte[]> {

    private static final long serialVersionUID = 1L;

    private final ShippedModel model;
    private final ExtractSettings settings;
    private final LongAccumulator analysed;

    public ExtractPartition(ShippedModel model, ExtractSettings settings, LongAccumulator analysed) {
        this.model = model;
        this.settings = settings;
        this.analysed = analysed;
    }

    @Override
    public Iterator<byte[]> call(Iterator<Row> rows) {
        Device device = DeviceChoice.forTask(settings.device());
        TaskContext task = TaskContext.get();
        ModelThread modelThread = ModelThread.acquire();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> modelThread.close());
        }
        // PyTorch's operators use the cores Spark gave the task (spark.task.cpus), so tasks that
        // run side by side share the executor's cores instead of each taking all of them; and all
        // of the task's PyTorch work, loading included, stays on the model thread (TorchThreads).
        int threads = task != null ? task.cpus() : Runtime.getRuntime().availableProcessors();
        ModelCache.Loaded loaded = modelThread.await(modelThread.submit(() -> {
            TorchThreads.intraOpThreads(threads);
            return ModelCache.get(model, device);
        }));
        Analyzer analyzer = new Analyzer(loaded.gpt(), loaded.manager(), settings.mlpTopK(), settings.gradients());
        return new ExtractIterator(rows, analyzer, settings, analysed::add, modelThread, threads);
    }
}
