package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HostThreadsTest {

    /** The shares run at once: each waits at a barrier for the other two, which a serial run never passes. */
    @Test
    void keepsTheOrderAndRunsContiguousSharesAtOnce() {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        int[] shareOf = new int[10];
        CyclicBarrier allThree = new CyclicBarrier(3);
        List<Integer> squares = HostThreads.map(10, 3, i -> {
            if (i == 0 || i == 3 || i == 6) {
                try {
                    allThree.await(20, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("the three shares did not run at once", e);
                }
            }
            threads.add(Thread.currentThread().getName());
            shareOf[i] = Thread.currentThread().getName().hashCode();
            return i * i;
        });

        assertThat(squares).containsExactly(0, 1, 4, 9, 16, 25, 36, 49, 64, 81);
        assertThat(threads).hasSize(3).contains(Thread.currentThread().getName());
        // Shares 0..2, 3..5, 6..9 (n·s/shares): the caller takes the first.
        assertThat(shareOf[0]).isEqualTo(Thread.currentThread().getName().hashCode());
        assertThat(IntStream.of(0, 1, 2).map(i -> shareOf[i]).distinct().count())
                .isEqualTo(1);
        assertThat(IntStream.of(3, 4, 5).map(i -> shareOf[i]).distinct().count())
                .isEqualTo(1);
        assertThat(IntStream.of(6, 7, 8, 9).map(i -> shareOf[i]).distinct().count())
                .isEqualTo(1);
        assertThat(shareOf[3]).isNotEqualTo(shareOf[0]).isNotEqualTo(shareOf[6]);
    }

    @Test
    void oneThreadOrMoreThreadsThanWorkStayOnTheCaller() {
        String caller = Thread.currentThread().getName();
        assertThat(HostThreads.map(4, 1, i -> Thread.currentThread().getName())).containsOnly(caller);
        assertThat(HostThreads.map(1, 8, i -> Thread.currentThread().getName())).containsExactly(caller);
        assertThat(HostThreads.map(0, 2, i -> i)).isEmpty();
    }

    @Test
    void aFailureInAnyShareIsRethrownAsThrown() {
        assertThatThrownBy(() -> HostThreads.map(6, 2, i -> {
                    if (i == 4) {
                        throw new IllegalArgumentException("attention weight at query_pos=3, key_pos=1 is NaN");
                    }
                    return i;
                }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("attention weight at query_pos=3, key_pos=1 is NaN");
    }
}
