package io.headwise.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records the operations of one forward pass and runs its backward pass, on any thread, with other
 * threads doing the same at once.
 *
 * <p>libtorch keeps grad mode per thread and runs a CPU backward pass on the calling thread, so
 * independent graphs on different threads differentiate concurrently. DJL's {@code
 * PtGradientCollector}, though, refuses a second collector anywhere in the JVM, which would make
 * every task of an executor wait for the others' backward passes. On PyTorch this scope therefore
 * switches this thread's grad mode itself and calls libtorch's backward directly; on other engines
 * it is DJL's collector, one at a time ({@link #OTHER_ENGINES_LOCK}).
 *
 * <p>Grad mode is off on this thread after {@link #close} whatever it was before: outside a scope,
 * Headwise never records a graph. (DJL turns grad mode off only on the thread that loads the
 * engine; every other thread starts with libtorch's default, on, and would otherwise record the
 * graph of every operation on a tensor that requires a gradient.)
 */
public final class GradientScope implements AutoCloseable {

    /** At most one backward pass per JVM at a time (see {@link #open}). */
    static final ReentrantLock OTHER_ENGINES_LOCK = new ReentrantLock();

    private final GradientCollector collector;

    private GradientScope(GradientCollector collector) {
        this.collector = collector;
    }

    /** Starts recording on this thread, for arrays of {@code manager}'s engine. */
    public static GradientScope open(NDManager manager) {
        // libtorch's backward crashed (SIGSEGV in at::accelerator::getAccelerator) with two threads
        // in it at once on GPT-2-small-sized batches: backward passes stay one at a time per JVM.
        OTHER_ENGINES_LOCK.lock();
        if (isPyTorch(manager)) {
            JniUtils.setGradMode(true);
            return new GradientScope(null);
        }
        try {
            return new GradientScope(Engine.getEngine(manager.getEngine().getEngineName()).newGradientCollector());
        } catch (RuntimeException e) {
            OTHER_ENGINES_LOCK.unlock();
            throw e;
        }
    }

    /** Turns grad mode off on this thread (PyTorch; other engines record only inside a collector). */
    public static void gradModeOff(NDManager manager) {
        if (isPyTorch(manager)) {
            JniUtils.setGradMode(false);
        }
    }

    /** Back-propagates from the scalar {@code target} into every array that requires a gradient. */
    public void backward(NDArray target) {
        if (collector != null) {
            collector.backward(target);
            return;
        }
        NDArray seed = target.getManager().ones(target.getShape(), target.getDataType());
        JniUtils.backward((PtNDArray) target, (PtNDArray) seed, false, false);
    }

    @Override
    public void close() {
        try {
            if (collector == null) {
                JniUtils.setGradMode(false);
            } else {
                collector.close();
            }
        } finally {
            OTHER_ENGINES_LOCK.unlock();
        }
    }

    private static boolean isPyTorch(NDManager manager) {
        return "PyTorch".equals(manager.getEngine().getEngineName());
    }
}
