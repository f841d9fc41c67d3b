package io.headwise.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * Peak Java heap of this JVM while something runs: the largest {@code MemoryMXBean} heap use seen
 * by a 20 ms sampler, and the sum of the heap pools' own peaks (an upper bound: pools peak at
 * different times). In local mode this JVM is the executor.
 */
final class HeapWatch implements AutoCloseable {

    private final Thread sampler;
    private volatile boolean running = true;
    private volatile long maxUsed;

    HeapWatch() {
        System.gc();
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                pool.resetPeakUsage();
            }
        }
        sampler = new Thread(
                () -> {
                    while (running) {
                        maxUsed = Math.max(
                                maxUsed,
                                ManagementFactory.getMemoryMXBean()
                                        .getHeapMemoryUsage()
                                        .getUsed());
                        try {
                            Thread.sleep(20);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                },
                "heap-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    long sampledPeak() {
        return maxUsed;
    }

    static long poolPeaks() {
        long sum = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP) {
                sum += pool.getPeakUsage().getUsed();
            }
        }
        return sum;
    }

    static long maxHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    @Override
    public void close() {
        running = false;
        sampler.interrupt();
    }
}
