package io.headwise.model;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import io.headwise.Futures;
import java.util.concurrent.Callable;
import java.util.concurrent.FutureTask;

/**
 * Where PyTorch's operators may run, and with how many threads.
 *
 * <p>libtorch parallelises an operator with OpenMP (libgomp), whose threads spin between
 * operators so the next one starts at once. Each Java thread that runs a parallel operator starts
 * a pool of its own, alive as long as that thread; and while the pools of a JVM hold more threads
 * than the machine has cores, libgomp stops spinning in all of them: every parallel operator then
 * waits for its threads to wake up. Measured on 2 cores: a 64×16×64 elementwise operator takes 9
 * µs on the only thread that ran parallel operators, 63 µs on a second one while the first lives
 * (bench/run-extract-bench.sh threads). So Headwise keeps multi-threaded PyTorch work on as few
 * long-lived threads as run models at once (extract's model threads), and runs one-off work, such
 * as the driver's check of a checkpoint, on a thread that ends with it.
 */
public final class TorchThreads {

    private TorchThreads() {}

    /**
     * Sets the number of threads PyTorch's operators use (intra-op parallelism) on this thread and
     * on threads that start using PyTorch after it; 1 runs every operator on the calling thread
     * (no OpenMP pool). A no-op on engines other than PyTorch.
     */
    public static void intraOpThreads(int threads) {
        if (threads > 0
                && "PyTorch".equals(Engine.getInstance().getEngineName())
                && JniUtils.getNumThreads() != threads) {
            JniUtils.setNumThreads(threads);
        }
    }

    /** Runs {@code work} on a new thread that ends with it (taking its OpenMP pool along), and returns its result. */
    public static <T> T onShortLivedThread(String name, Callable<T> work) {
        FutureTask<T> task = new FutureTask<>(work);
        Thread thread = new Thread(task, name);
        thread.start();
        T result = Futures.await(task, name);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result;
    }
}
