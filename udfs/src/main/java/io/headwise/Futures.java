package io.headwise;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/** Waiting for work done on another thread. */
public final class Futures {

    private Futures() {}

    /**
     * The result of {@code future}, or its failure rethrown as it was thrown (a checked one
     * wrapped in an {@link IllegalStateException}).
     *
     * @param what what is waited for, named if the wait is interrupted
     */
    public static <T> T await(Future<T> future, String what) {
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
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }
}
