package io.headwise.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Records the operations of one forward pass and runs its backward pass, on any thread.
 *
 * <p>DJL's {@code PtGradientCollector} refuses a second collector anywhere in the JVM, which would
 * make every task of an executor wait for the others' whole gradient passes, forward included. On
 * PyTorch this scope therefore switches this thread's grad mode itself (libtorch keeps it per
 * thread) and calls libtorch's backward directly: graphs are recorded on several threads at once,
 * and only the backward calls themselves take turns ({@link #BACKWARD_LOCK}). libtorch documents
 * concurrent CPU backward passes as safe, but here two threads in backward at once crashed the JVM
 * (SIGSEGV in {@code at::accelerator::getAccelerator}, GPT-2-small-sized batches), so Headwise does
 * not rely on it. On other engines the scope is DJL's collector, one scope at a time.
 *
 * <p>Grad mode is off on this thread after {@link #close} whatever it was before: outside a scope,
 * Headwise never records a graph. (DJL turns grad mode off only on the thread that loads the
 * engine; every other thread starts with libtorch's default, on, and would otherwise record the
 * graph of every operation on a tensor that requires a gradient.)
 */
public final class GradientScope implements AutoCloseable {

    /**
     * Held by every backward call on PyTorch, and by a whole scope on other engines: one backward
     * pass per JVM at a time.
     */
    static final ReentrantLock BACKWARD_LOCK = new ReentrantLock();

    private final GradientCollector collector;

    private GradientScope(GradientCollector collector) {
        this.collector = collector;
    }

    /** Starts recording on this thread, for arrays of {@code manager}'s engine. */
    public static GradientScope open(NDManager manager) {
        if (isPyTorch(manager)) {
            JniUtils.setGradMode(true);
            return new GradientScope(null);
        }
        BACKWARD_LOCK.lock();
        try {
            return new GradientScope(
                    Engine.getEngine(manager.getEngine().getEngineName()).newGradientCollector());
        } catch (RuntimeException e) {
            BACKWARD_LOCK.unlock();
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
        BACKWARD_LOCK.lock();
        try {
            JniUtils.backward((PtNDArray) target, (PtNDArray) seed, false, false);
        } finally {
            BACKWARD_LOCK.unlock();
        }
    }

    @Override
    public void close() {
        if (collector == null) {
            JniUtils.setGradMode(false);
            return;
        }
        try {
            collector.close();
        } finally {
            BACKWARD_LOCK.unlock();
        }
    }

    private static boolean isPyTorch(NDManager manager) {
        return "PyTorch".equals(manager.getEngine().getEngineName());
    }
}
