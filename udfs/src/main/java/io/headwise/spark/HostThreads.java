package io.headwise.spark;

import io.headwise.Futures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Host (Java) work of one task spread over the cores Spark gave it: the calling thread takes the
 * first share and idle threads of a JVM-wide pool the others. The pool's threads never run PyTorch
 * operators, so they start no OpenMP pool of their own ({@link io.headwise.model.TorchThreads}).
 */
final class HostThreads {

    private static final AtomicInteger STARTED = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "headwise-host-" + STARTED.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private HostThreads() {}

    /**
     * {@code work.apply(i)} for {@code i = 0..n-1}, in that order, computed on up to {@code threads}
     * threads in contiguous shares; a failure is rethrown as it was thrown, once every share has
     * ended.
     */
    static <R> List<R> map(int n, int threads, IntFunction<R> work) {
        Object[] out = new Object[n];
        int shares = Math.max(1, Math.min(threads, n));
        List<Future<?>> others = new ArrayList<>(shares - 1);
        for (int s = 1; s < shares; s++) {
            int from = share(n, shares, s);
            int to = share(n, shares, s + 1);
            others.add(POOL.submit(() -> fill(out, from, to, work)));
        }
        RuntimeException failed = null;
        try {
            fill(out, 0, share(n, shares, 1), work);
        } catch (RuntimeException e) {
            failed = e;
        }
        for (Future<?> other : others) {
            try {
                Futures.await(other, "host work");
            } catch (RuntimeException e) {
                failed = failed == null ? e : failed;
            }
        }
        if (failed != null) {
            throw failed;
        }
        @SuppressWarnings("unchecked")
        List<R> results = (List<R>) Arrays.asList(out);
        return results;
    }

    /** Where share {@code s} of {@code shares} over {@code 0..n-1} starts. */
    private static int share(int n, int shares, int s) {
        return (int) ((long) n * s / shares);
    }

    private static <R> void fill(Object[] out, int from, int to, IntFunction<R> work) {
        for (int i = from; i < to; i++) {
            out[i] = work.apply(i);
        }
    }
}
