package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.headwise.BadInputException;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptWeights;
import io.headwise.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * The executor cache on real models (the {@code gpt2-tiny} checkpoint, loaded as {@link
 * ModelCache} loads it) and on plain native arrays: bounds, LRU order, leases, closing, and the
 * native memory that comes back.
 */
class ExecutorCacheTest {

    private static final long GIB = 1L << 30;

    /** A model as ModelCache keeps one: the weights on their own base manager. */
    private static ExecutorCache.Loaded<ModelCache.Loaded> tinyModel(List<NDManager> managers) {
        NDManager manager = NDManager.newBaseManager();
        managers.add(manager);
        GptWeights weights = Checkpoint.read(Fixtures.resourceDir("gpt2-tiny"), manager);
        return new ExecutorCache.Loaded<>(
                new ModelCache.Loaded(new Gpt(weights), manager), ModelCache.nativeBytes(weights), manager);
    }

    /** gpt2-tiny's float32 parameters, counted by hand from its config (V 27, P 32, C 16, L 2). */
    private static long oneModelBytes() {
        long perLayer = 2 * 16 + (16 * 48 + 48) + (16 * 16 + 16) + 2 * 16 + (16 * 64 + 64) + (64 * 16 + 16);
        return 4 * (27 * 16 + 32 * 16 + 2 * perLayer + 2 * 16);
    }

    @Test
    void moreModelsThanTheBoundAreEvictedLeastRecentlyUsedFirstAndClosed() {
        ExecutorCache cache = new ExecutorCache(2, GIB);
        List<NDManager> managers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int key = i;
            try (ExecutorCache.Lease<ModelCache.Loaded> lease = cache.lease(key, () -> tinyModel(managers))) {
                assertThat(lease.get().manager().getManagedArrays()).isNotEmpty();
            }
            if (i == 1) {
                cache.lease(0, () -> tinyModel(managers)).close(); // 0 is now more recent than 1
            }
        }
        assertThat(cache.loads()).isEqualTo(5);
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.evictions()).isEqualTo(3);
        // Loaded in the order 0 1 2 3 4, with 0 used again after 1: evicted 1, then 0, then 2.
        assertThat(managers).extracting(NDManager::isOpen).containsExactly(false, false, false, true, true);
        for (NDManager closed : managers.subList(0, 3)) {
            assertThat(closed.getManagedArrays()).allMatch(NDArray::isReleased);
        }
        assertThat(cache.nativeBytes()).isEqualTo(2 * oneModelBytes());
        cache.clear();
        assertThat(managers).noneMatch(NDManager::isOpen);
        assertThat(cache.size()).isZero();
        assertThat(cache.nativeBytes()).isZero();
    }

    @Test
    void theByteBoundEvictsToo() {
        List<NDManager> managers = new ArrayList<>();
        long oneModel = oneModelBytes();
        ExecutorCache cache = new ExecutorCache(10, oneModel * 2 + oneModel / 2);
        for (int i = 0; i < 4; i++) {
            cache.lease(i, () -> tinyModel(managers)).close();
        }
        assertThat(cache.size()).isEqualTo(2);
        assertThat(cache.nativeBytes()).isEqualTo(2 * oneModel);
        assertThat(managers).extracting(NDManager::isOpen).containsExactly(false, false, true, true);
        cache.clear();
    }

    @Test
    void aLeasedModelIsNeitherEvictedNorClosedUntilItsLastLeaseIsReturned() {
        ExecutorCache cache = new ExecutorCache(1, GIB);
        List<NDManager> managers = new ArrayList<>();
        ExecutorCache.Lease<ModelCache.Loaded> first = cache.lease("a", () -> tinyModel(managers));
        ExecutorCache.Lease<ModelCache.Loaded> second = cache.lease("a", () -> tinyModel(managers));
        assertThat(second.get()).isSameAs(first.get());
        // Another model while "a" is in use: the cache holds two for now, over its bound of one.
        ExecutorCache.Lease<ModelCache.Loaded> other = cache.lease("b", () -> tinyModel(managers));
        assertThat(cache.size()).isEqualTo(2);
        other.close(); // "b" is not in use any more and is the one evicted
        assertThat(managers.get(1).isOpen()).isFalse();
        assertThat(cache.size()).isEqualTo(1);
        first.close();
        first.close(); // a second close of the same lease gives nothing back twice
        assertThat(managers.get(0).isOpen()).isTrue();
        // still usable by the holder of the remaining lease
        try (NDManager batch = second.get().manager().newSubManager()) {
            NDArray ids = batch.create(new int[] {1, 2, 3}, new Shape(1, 3));
            assertThat(second.get().gpt().forward(ids).logits().getShape()).isEqualTo(new Shape(1, 3, 27));
        }
        second.close();
        assertThat(managers.get(0).isOpen()).as("the last entry stays cached").isTrue();
        // With "a" idle, loading "c" evicts it.
        cache.lease("c", () -> tinyModel(managers)).close();
        assertThat(managers.get(0).isOpen()).isFalse();
        cache.clear();
    }

    @Test
    void concurrentLeasesOfOneKeyLoadItOnce() throws Exception {
        ExecutorCache cache = new ExecutorCache(2, GIB);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Object>> values = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                values.add(pool.submit(() -> {
                    start.await();
                    try (ExecutorCache.Lease<Object> lease = cache.lease("k", () -> {
                        loads.incrementAndGet();
                        sleep(200);
                        return new ExecutorCache.Loaded<>(new Object(), 1, () -> {});
                    })) {
                        return lease.get();
                    }
                }));
            }
            start.countDown();
            Object first = values.get(0).get(10, TimeUnit.SECONDS);
            for (Future<Object> value : values) {
                assertThat(value.get(10, TimeUnit.SECONDS)).isSameAs(first);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(loads.get()).isEqualTo(1);
        assertThat(cache.loads()).isEqualTo(1);
    }

    @Test
    void aFailedLoadIsNotCachedAndReachesTheCaller() {
        ExecutorCache cache = new ExecutorCache(2, GIB);
        assertThatThrownBy(() -> cache.lease("k", () -> {
                    throw new IllegalStateException("disk gone");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("disk gone");
        assertThat(cache.size()).isZero();
        try (ExecutorCache.Lease<String> lease =
                cache.lease("k", () -> new ExecutorCache.Loaded<>("loaded", 1, () -> {}))) {
            assertThat(lease.get()).isEqualTo("loaded");
        }
    }

    /**
     * Native memory comes back: eight "models" of 64 MiB each (one float32 array on its own base
     * manager, every page written) go through a cache bounded at two. Arrays above glibc's largest
     * mmap threshold (32 MiB) are mapped on their own and unmapped when PyTorch frees them, so the
     * process's resident set shows what is still held: were nothing closed, it would grow by 512
     * MiB; it grows by at most the two cached arrays plus 64 MiB of slack.
     */
    @Test
    void evictedModelsGiveTheirNativeMemoryBack() throws IOException {
        long arrayBytes = 64L << 20;
        ExecutorCache cache = new ExecutorCache(2, GIB);
        try (NDManager warm = NDManager.newBaseManager()) {
            warm.ones(new Shape(arrayBytes / 4)).sum().getFloat(); // the engine's own one-off allocations
        }
        long before = residentBytes();
        List<NDManager> managers = new ArrayList<>();
        long peakHeld = 0;
        for (int i = 0; i < 8; i++) {
            int key = i;
            try (ExecutorCache.Lease<NDArray> lease = cache.lease(key, () -> {
                NDManager manager = NDManager.newBaseManager();
                managers.add(manager);
                NDArray weights = manager.ones(new Shape(arrayBytes / 4));
                return new ExecutorCache.Loaded<>(weights, arrayBytes, manager);
            })) {
                assertThat(lease.get().sum().getFloat()).isEqualTo(arrayBytes / 4f);
            }
            peakHeld = Math.max(peakHeld, residentBytes() - before);
        }
        long held = residentBytes() - before;
        assertThat(cache.evictions()).isEqualTo(6);
        assertThat(managers.subList(0, 6)).noneMatch(NDManager::isOpen);
        assertThat(held)
                .as("resident growth after 8 loads through a cache of 2 (64 MiB each)")
                .isLessThan(3 * arrayBytes);
        assertThat(peakHeld).isLessThan(4 * arrayBytes);
        cache.clear();
        assertThat(residentBytes() - before)
                .as("resident growth once the cache is cleared")
                .isLessThan(arrayBytes);
    }

    @Test
    void sizedBySparkSettingsThatTheDriverChecks() {
        SparkConf conf =
                new SparkConf(false).set(ExecutorCache.MAX_ENTRIES, "3").set(ExecutorCache.MAX_BYTES, "512m");
        ExecutorCache cache = ExecutorCache.fromConf(conf);
        assertThat(cache.maxEntries()).isEqualTo(3);
        assertThat(cache.maxBytes()).isEqualTo(512L << 20);
        ExecutorCache defaults = ExecutorCache.fromConf(new SparkConf(false));
        assertThat(defaults.maxEntries()).isEqualTo(ExecutorCache.MAX_ENTRIES_DEFAULT);
        assertThat(defaults.maxBytes()).isEqualTo(4L << 30);

        assertThatThrownBy(() -> ExecutorCache.checkConf(new SparkConf(false).set(ExecutorCache.MAX_ENTRIES, "0")))
                .isInstanceOf(BadInputException.class)
                .hasMessageStartingWith("--conf spark.headwise.cache.maxEntries=0 / spark.headwise.cache.maxBytes=4g:");
        assertThatThrownBy(() -> ExecutorCache.checkConf(new SparkConf(false).set(ExecutorCache.MAX_BYTES, "lots")))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("spark.headwise.cache.maxBytes=lots");
    }

    /** VmRSS of this process, from {@code /proc/self/status}. */
    private static long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
