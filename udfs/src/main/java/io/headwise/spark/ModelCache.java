package io.headwise.spark;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptWeights;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model per executor JVM and (fingerprint, device): tasks of the same JVM share it, so
 * a model is read from disk once per executor however many partitions run there. Loading is lazy
 * (the first task that needs the model) and happens once even when tasks ask concurrently ({@link
 * ConcurrentHashMap#computeIfAbsent}). The weights live on a base {@link NDManager} that is never
 * closed while the JVM runs — tasks analyse on per-batch sub-managers of it — and is closed by a
 * shutdown hook.
 *
 * <p>Concurrent passes on the shared weights are safe: they only read them, and each backward pass
 * differentiates its own graph, one backward call per JVM at a time ({@link
 * io.headwise.model.GradientScope}).
 */
public final class ModelCache {

    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** A model ready for analysis; {@code manager} owns its weights. */
    public record Loaded(Gpt gpt, NDManager manager) {}

    private record Key(String fingerprint, String device) {}

    private static final Map<Key, Loaded> MODELS = new ConcurrentHashMap<>();
    private static final AtomicLong LOADS = new AtomicLong();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ModelCache::closeAll, "headwise-model-cache-close"));
    }

    private ModelCache() {}

    /** The model of {@code model} on {@code device}, fetched and loaded on first use. */
    public static Loaded get(ShippedModel model, Device device) {
        return MODELS.computeIfAbsent(new Key(model.fingerprint(), device.toString()), key -> load(model, device));
    }

    /** Models loaded by this JVM so far (a test checks that tasks share them). */
    public static long loads() {
        return LOADS.get();
    }

    private static Loaded load(ShippedModel model, Device device) {
        long started = System.nanoTime();
        Path dir = model.fetch();
        long fetched = System.nanoTime();
        NDManager manager = NDManager.newBaseManager(device);
        try {
            GptWeights weights = Checkpoint.read(dir, manager);
            LOADS.incrementAndGet();
            LOG.info(
                    "loaded model {} ({}) on {} in {} ms (copied and checked in {} ms)",
                    model.location(),
                    model.fingerprint().substring(0, 16),
                    device,
                    (System.nanoTime() - started) / 1_000_000,
                    (fetched - started) / 1_000_000);
            return new Loaded(new Gpt(weights), manager);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        } finally {
            ShippedModel.delete(dir); // the weights are in native memory now
        }
    }

    private static void closeAll() {
        MODELS.values().forEach(loaded -> loaded.manager().close());
        MODELS.clear();
    }
}
