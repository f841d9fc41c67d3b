package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TrainJobTest {

    private static final long MIB = 1L << 20;

    @Test
    void theSamplesMayTakeSparksUserMemory() {
        // (heap − 300 MiB)·(1 − spark.memory.fraction)
        assertThat(TrainJob.sampleMemory(4096 * MIB, 0.6)).isEqualTo((long) (3796 * MIB * 0.4));
        assertThat(TrainJob.sampleMemory(512 * MIB, 0.6)).isEqualTo((long) (212 * MIB * 0.4));
        assertThat(TrainJob.sampleMemory(512 * MIB, 0.75)).isEqualTo(53 * MIB);
        assertThat(TrainJob.sampleMemory(256 * MIB, 0.6)).isZero();
    }
}
