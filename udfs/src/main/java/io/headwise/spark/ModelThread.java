package io.headwise.spark;

import ai.djl.Device;
import io.headwise.Futures;
import io.headwise.model.TorchThreads;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;

/**
 * The thread one task's model passes run on, so that the task's own thread can turn the previous
 * batch into rows meanwhile (see {@link ExtractTask}). Work submitted through one ModelThread
 * runs in order, one batch at a time. The threads are long-lived and shared by the tasks of the
 * JVM, one task at a time: {@link #acquire} takes an idle one (or starts one) and {@link #close}
 * (at the end of the partition, or when Spark completes or kills the task) gives it back, so a JVM
 * starts as many model threads as it runs tasks at once, not one per task. Failures of a model pass
 * come back from {@link #await} as they were thrown.
 */
final class ModelThread implements AutoCloseable {

    private static final ConcurrentLinkedDeque<ExecutorService> IDLE = new ConcurrentLinkedDeque<>();
    private static final AtomicInteger STARTED = new AtomicInteger();

    private final ExecutorService executor;
    private boolean closed;

    private ModelThread(ExecutorService executor) {
        this.executor = executor;
    }

    /** An idle model thread of this JVM, or a new one. */
    static ModelThread acquire() {
        ExecutorService executor = IDLE.pollFirst();
        if (executor == null) {
            String name = "headwise-model-" + STARTED.incrementAndGet();
            executor = Executors.newSingleThreadExecutor(runnable -> {
                Thread thread = new Thread(runnable, name);
                thread.setDaemon(true);
                return thread;
            });
        }
        return new ModelThread(executor);
    }

    <T> Future<T> submit(Callable<T> work) {
        if (isClosed()) {
            throw new IllegalStateException("model thread already given back");
        }
        return executor.submit(work);
    }

    /**
     * Runs {@code work} on this thread once everything submitted so far has run, even after the
     * thread was given back: for what must wait for the task's last pass (returning its model).
     */
    void afterQueued(Runnable work) {
        executor.execute(work);
    }

    /** The cores Spark gave the running task ({@code spark.task.cpus}), or the JVM's outside a task. */
    static int taskCores() {
        TaskContext task = TaskContext.get();
        return task != null ? task.cpus() : Runtime.getRuntime().availableProcessors();
    }

    /**
     * The task's model, loaded (or found in the executor cache) on this thread with {@code threads}
     * PyTorch threads, and leased until the task ends: the lease is given back behind any pass
     * still queued on this thread (a killed task's), whether or not the thread was given back.
     * PyTorch's operators then use the cores Spark gave the task, so tasks side by side share the
     * executor's cores; and all of the task's PyTorch work, loading included, stays on this thread
     * ({@link TorchThreads}).
     */
    ModelCache.Loaded leaseModel(ShippedModel model, Device device, int threads) {
        ExecutorCache.Lease<ModelCache.Loaded> lease = await(submit(() -> {
            TorchThreads.intraOpThreads(threads);
            return ModelCache.lease(model, device);
        }));
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> afterQueued(lease::close));
        }
        return lease.get();
    }

    /** The result of {@code future}, or its failure rethrown unchanged (a checked one wrapped). */
    <T> T await(Future<T> future) {
        return Futures.await(future, "the model");
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** Gives the thread back (once); batches still queued on it finish first. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            IDLE.addFirst(executor);
        }
    }
}
