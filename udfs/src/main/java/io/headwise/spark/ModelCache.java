package io.headwise.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptWeights;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Models in the executor JVM's {@link ExecutorCache}, one per (fingerprint, device): tasks of the
 * same JVM share it, so a model is read from disk once per executor however many partitions run
 * there, as long as the cache's bounds let it stay. Loading is lazy (the first task that needs the
 * model) and happens once even when tasks ask concurrently. The weights live on a base {@link
 * NDManager} — tasks analyse on per-batch sub-managers of it — that is closed when the cache
 * evicts the model and no task holds it any more.
 *
 * <p>Concurrent passes on the shared weights are safe: they only read them, and each backward pass
 * differentiates its own graph, one backward call per JVM at a time ({@link
 * io.headwise.model.GradientScope}).
 */
public final class ModelCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** A model ready for analysis; {@code manager} owns its weights. */
    public record Loaded(Gpt gpt, NDManager manager) {}

    private record Key(String fingerprint, String device) {
        @Override
        public String toString() {
            return "model " + fingerprint.substring(0, Math.min(16, fingerprint.length())) + " on " + device;
        }
    }

    private static final AtomicLong LOADS = new AtomicLong();

    private ModelCache() {}

    /**
     * A lease on the model of {@code model} on {@code device}, fetched and loaded on first use; close
     * it when the task is done with the model ({@link ExecutorCache#releaseWithTask}).
     */
    public static ExecutorCache.Lease<Loaded> lease(ShippedModel model, Device device) {
        return ExecutorCache.jvm().lease(new Key(model.fingerprint(), device.toString()), () -> load(model, device));
    }

    /** Models loaded by this JVM so far (a test checks that tasks share them). */
    public static long loads() {
        return LOADS.get();
    }

    /** The native bytes of a model's weights: every parameter's elements times its type's size. */
    public static long nativeBytes(GptWeights weights) {
        long bytes = 0;
        for (NDArray parameter : weights.parameters()) {
            bytes += parameter.size() * parameter.getDataType().getNumOfBytes();
        }
        return bytes;
    }

    private static ExecutorCache.Loaded<Loaded> load(ShippedModel model, Device device) {
        long started = System.nanoTime();
        Path dir = model.fetch();
        long fetched = System.nanoTime();
        NDManager manager = NDManager.newBaseManager(device);
        try {
            GptWeights weights = Checkpoint.read(dir, manager);
            LOADS.incrementAndGet();
            long bytes = nativeBytes(weights);
            LOG.info(
                    "loaded model {} ({}, {} MB) on {} in {} ms (copied and checked in {} ms)",
                    model.location(),
                    model.fingerprint().substring(0, 16),
                    bytes >> 20,
                    device,
                    (System.nanoTime() - started) / 1_000_000,
                    (fetched - started) / 1_000_000);
            return new ExecutorCache.Loaded<>(new Loaded(new Gpt(weights), manager), bytes, manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } finally {
            ShippedModel.delete(dir); // the weights are in native memory now
        }
    }
}
