package io.headwise.spark;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one cache of native resources per executor JVM: loaded models ({@link ModelCache}) and
 * tokenizers ({@link TokenizerCache}), bounded by a number of entries and by the native bytes they
 * hold, least recently used evicted first, and closed when evicted.
 *
 * <p>A task takes a {@link Lease} on an entry and gives it back when it ends: an entry under lease
 * is never evicted, so no task sees its model closed under it. When the bounds are exceeded while
 * every entry is leased, the cache holds more for a while and evicts as leases are returned; an
 * entry larger than {@code maxBytes} alone is still loaded and kept (the cache always keeps at
 * least one entry, so a job on one big model does not reload it for every task). An entry is
 * loaded once even when tasks ask for it concurrently; a failed load is not cached.
 *
 * <p>A plain LRU rather than Caffeine: Caffeine's W-TinyLFU admission keeps the entry with the
 * higher access history and may evict a model the moment it is loaded, so a new job on a
 * long-lived executor would reload its model task after task until its history caught up.
 *
 * <p>Sized by two Spark settings, read on the executor when it first needs the cache: {@value
 * #MAX_ENTRIES} and {@value #MAX_BYTES} (a Spark size, e.g. {@code 4g}).
 */
public final class ExecutorCache {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorCache.class);

    /** Most models and tokenizers one executor JVM keeps loaded. */
    public static final String MAX_ENTRIES = "spark.headwise.cache.maxEntries";

    public static final int MAX_ENTRIES_DEFAULT = 4;

    /** Most native memory (weights, tokenizer tables) they may hold together, a Spark size. */
    public static final String MAX_BYTES = "spark.headwise.cache.maxBytes";

    public static final String MAX_BYTES_DEFAULT = "4g";

    /** What a loader makes: the value, the native bytes it holds, and how to free them. */
    public record Loaded<V>(V value, long nativeBytes, AutoCloseable resource) {}

    private final int maxEntries;
    private final long maxBytes;
    /** In access order, least recently used first; guarded by {@code this}. */
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);

    private final Map<Object, CompletableFuture<Void>> loading = new HashMap<>();
    private long bytes;
    private long loads;
    private long evictions;

    public ExecutorCache(int maxEntries, long maxBytes) {
        if (maxEntries < 1 || maxBytes < 1) {
            throw new IllegalArgumentException(String.format(
                    "%s must be at least 1 (got %d) and %s positive (got %d)",
                    MAX_ENTRIES, maxEntries, MAX_BYTES, maxBytes));
        }
        this.maxEntries = maxEntries;
        this.maxBytes = maxBytes;
    }

    /** The cache of this JVM, sized by the executor's Spark configuration. */
    public static ExecutorCache jvm() {
        return Jvm.CACHE;
    }

    /**
     * A lease on the entry of {@code key}, loaded by {@code loader} if absent. The caller closes the
     * lease when done with the value (see {@link #releaseWithTask}).
     *
     * @param key equal keys share an entry; models and tokenizers use keys of their own types
     */
    @SuppressWarnings("unchecked")
    public <V> Lease<V> lease(Object key, Supplier<Loaded<V>> loader) {
        while (true) {
            CompletableFuture<Void> pending;
            boolean mine = false;
            synchronized (this) {
                Entry entry = entries.get(key);
                if (entry != null) {
                    entry.leases++;
                    return new Lease<>(this, entry, (V) entry.loaded.value());
                }
                pending = loading.get(key);
                if (pending == null) {
                    pending = new CompletableFuture<>();
                    loading.put(key, pending);
                    mine = true;
                }
            }
            if (mine) {
                return load(key, loader, pending);
            }
            try {
                pending.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while another task loaded " + key, e);
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
        }
    }

    @SuppressWarnings("unchecked")
    private <V> Lease<V> load(Object key, Supplier<Loaded<V>> loader, CompletableFuture<Void> pending) {
        Loaded<V> loaded;
        try {
            loaded = loader.get();
        } catch (RuntimeException | Error e) {
            synchronized (this) {
                loading.remove(key);
            }
            pending.completeExceptionally(e);
            throw e;
        }
        Entry entry = new Entry(key, loaded);
        List<Entry> evicted;
        synchronized (this) {
            entry.leases = 1;
            entries.put(key, entry);
            bytes += loaded.nativeBytes();
            loads++;
            loading.remove(key);
            evicted = evictOverBounds();
        }
        pending.complete(null);
        closeAll(evicted);
        return new Lease<>(this, entry, (V) loaded.value());
    }

    private void release(Entry entry) {
        List<Entry> evicted;
        synchronized (this) {
            entry.leases--;
            evicted = evictOverBounds();
        }
        closeAll(evicted);
    }

    /** Removes unleased entries, least recently used first, while a bound is exceeded. */
    private List<Entry> evictOverBounds() {
        List<Entry> evicted = new ArrayList<>();
        Iterator<Entry> lru = entries.values().iterator();
        while ((entries.size() > maxEntries || bytes > maxBytes) && entries.size() > 1 && lru.hasNext()) {
            Entry entry = lru.next();
            if (entry.leases == 0) {
                lru.remove();
                bytes -= entry.loaded.nativeBytes();
                evictions++;
                evicted.add(entry);
            }
        }
        return evicted;
    }

    private static void closeAll(List<Entry> entries) {
        for (Entry entry : entries) {
            LOG.info("evicting {} ({} MB native) from the executor cache", entry.key, entry.loaded.nativeBytes() >> 20);
            entry.close();
        }
    }

    /** Closes every entry that no task holds (at JVM exit, or in tests). */
    public void clear() {
        List<Entry> removed = new ArrayList<>();
        synchronized (this) {
            for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
                Entry entry = it.next();
                if (entry.leases == 0) {
                    it.remove();
                    bytes -= entry.loaded.nativeBytes();
                    removed.add(entry);
                }
            }
        }
        removed.forEach(Entry::close);
    }

    /** Entries held now. */
    public synchronized int size() {
        return entries.size();
    }

    /** Native bytes the entries held now account for. */
    public synchronized long nativeBytes() {
        return bytes;
    }

    /** Loads so far (a repeated key after its eviction counts again). */
    public synchronized long loads() {
        return loads;
    }

    /** Entries evicted so far. */
    public synchronized long evictions() {
        return evictions;
    }

    public int maxEntries() {
        return maxEntries;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /**
     * Closes {@code lease} when the running Spark task ends (success, failure or kill); without a
     * task (a plain JVM), the caller closes it.
     *
     * @return {@code lease}
     */
    public static <V> Lease<V> releaseWithTask(Lease<V> lease) {
        TaskContext task = TaskContext.get();
        if (task != null) {
            task.addTaskCompletionListener((TaskCompletionListener) context -> lease.close());
        }
        return lease;
    }

    /** A task's hold on one entry: the entry is not evicted until every lease on it is closed. */
    public static final class Lease<V> implements AutoCloseable {
        private final ExecutorCache cache;
        private final Entry entry;
        private final V value;
        private boolean released;

        private Lease(ExecutorCache cache, Entry entry, V value) {
            this.cache = cache;
            this.entry = entry;
            this.value = value;
        }

        public V get() {
            return value;
        }

        /** Gives the entry back (once; later calls do nothing). */
        @Override
        public void close() {
            synchronized (this) {
                if (released) {
                    return;
                }
                released = true;
            }
            cache.release(entry);
        }
    }

    private static final class Entry {
        final Object key;
        final Loaded<?> loaded;
        int leases;

        Entry(Object key, Loaded<?> loaded) {
            this.key = key;
            this.loaded = loaded;
        }

        void close() {
            try {
                loaded.resource().close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", key, e.toString());
            }
        }
    }

    /** The JVM's instance, made on first use from the executor's (or local driver's) SparkConf. */
    private static final class Jvm {
        static final ExecutorCache CACHE =
                fromConf(SparkEnv.get() == null ? null : SparkEnv.get().conf());

        static {
            LOG.info(
                    "executor cache: at most {} entries and {} MB of native memory",
                    CACHE.maxEntries(),
                    CACHE.maxBytes() >> 20);
            Runtime.getRuntime().addShutdownHook(new Thread(CACHE::clear, "headwise-executor-cache-close"));
        }
    }

    /** A cache sized by {@code conf} ({@link #MAX_ENTRIES}, {@link #MAX_BYTES}), defaults if null. */
    static ExecutorCache fromConf(SparkConf conf) {
        if (conf == null) {
            return new ExecutorCache(MAX_ENTRIES_DEFAULT, parseBytes(MAX_BYTES_DEFAULT));
        }
        int entries = conf.getInt(MAX_ENTRIES, MAX_ENTRIES_DEFAULT);
        long maxBytes = conf.getSizeAsBytes(MAX_BYTES, MAX_BYTES_DEFAULT);
        return new ExecutorCache(entries, maxBytes);
    }

    /**
     * Checks the two settings in {@code conf} on the driver, so that a bad value fails the job
     * before any task runs.
     *
     * @throws io.headwise.BadInputException naming the setting at fault
     */
    public static void checkConf(SparkConf conf) {
        try {
            fromConf(conf);
        } catch (IllegalArgumentException e) {
            throw new io.headwise.BadInputException(
                    e,
                    "--conf %s=%s / %s=%s: %s",
                    MAX_ENTRIES,
                    conf.get(MAX_ENTRIES, String.valueOf(MAX_ENTRIES_DEFAULT)),
                    MAX_BYTES,
                    conf.get(MAX_BYTES, MAX_BYTES_DEFAULT),
                    e.getMessage());
        }
    }

    private static long parseBytes(String size) {
        return new SparkConf(false).set(MAX_BYTES, size).getSizeAsBytes(MAX_BYTES);
    }
}
