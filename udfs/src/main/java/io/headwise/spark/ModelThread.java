package io.headwise.spark;

import io.headwise.Futures;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

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
