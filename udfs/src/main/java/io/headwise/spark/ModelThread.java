package io.headwise.spark;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The thread one task's model passes run on, so that the task's own thread can turn the previous
 * batch into rows meanwhile (see {@link ExtractIterator}). One daemon thread per task; {@link
 * #close} (at the end of the partition, or when Spark completes or kills the task) stops it.
 * Failures of a model pass come back from {@link #await} as they were thrown.
 */
final class ModelThread implements AutoCloseable {

    private final ExecutorService executor;

    ModelThread(String name) {
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    <T> Future<T> submit(Callable<T> work) {
        return executor.submit(work);
    }

    /** The result of {@code future}, or its failure rethrown unchanged (a checked one wrapped). */
    <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the model", e);
        }
    }

    boolean isClosed() {
        return executor.isShutdown();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
