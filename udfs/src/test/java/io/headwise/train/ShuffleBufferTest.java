package io.headwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShuffleBufferTest {

    /** Samples {@code [i, i]} for i in 0..n-1, and how many passes were started. */
    private static final class Corpus {
        final int n;
        int passes;

        Corpus(int n) {
            this.n = n;
        }

        Iterator<int[]> pass() {
            passes++;
            return IntStream.range(0, n).mapToObj(i -> new int[] {i, i}).iterator();
        }
    }

    private static List<Integer> firsts(List<int[]> batch) {
        return batch.stream().map(s -> s[0]).toList();
    }

    @Test
    void theSameSeedGivesTheSameBatchesAndAnotherSeedOthers() {
        List<List<Integer>> a = new ArrayList<>();
        List<List<Integer>> b = new ArrayList<>();
        List<List<Integer>> c = new ArrayList<>();
        Corpus ca = new Corpus(1000);
        ShuffleBuffer sa = new ShuffleBuffer(ca::pass, 100, 8, 1);
        ShuffleBuffer sb = new ShuffleBuffer(new Corpus(1000)::pass, 100, 8, 1);
        ShuffleBuffer sc = new ShuffleBuffer(new Corpus(1000)::pass, 100, 8, 2);
        for (int step = 0; step < 50; step++) {
            a.add(firsts(sa.batch(step)));
            b.add(firsts(sb.batch(step)));
            c.add(firsts(sc.batch(step)));
        }
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
        assertThat(sa.size()).isEqualTo(100);
        // 100 in the buffer + 50 steps × 8 draws, each refilled from the stream: 500 of the 1,000 read.
        assertThat(ca.passes).isEqualTo(1);
    }

    @Test
    void aResumedRunSeesTheBatchesOfTheUninterruptedOne() {
        ShuffleBuffer straight = new ShuffleBuffer(new Corpus(300)::pass, 64, 8, 7);
        List<List<Integer>> expected = new ArrayList<>();
        for (int step = 0; step < 120; step++) {
            expected.add(firsts(straight.batch(step)));
        }
        ShuffleBuffer resumed = new ShuffleBuffer(new Corpus(300)::pass, 64, 8, 7);
        List<List<Integer>> got = new ArrayList<>();
        for (int step = 90; step < 120; step++) {
            got.add(firsts(resumed.batch(step)));
        }
        assertThat(got).isEqualTo(expected.subList(90, 120));
        assertThatThrownBy(() -> resumed.batch(5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot go back");
    }

    @Test
    void everySampleComesOutAndTheStreamStartsOverAtItsEnd() {
        Corpus corpus = new Corpus(200);
        ShuffleBuffer buffer = new ShuffleBuffer(corpus::pass, 50, 10, 3);
        Map<Integer, Integer> seen = new HashMap<>();
        // 50 buffered + 2,000 draws: the stream is read 10.25 times.
        for (int step = 0; step < 200; step++) {
            for (int[] s : buffer.batch(step)) {
                assertThat(s).hasSize(2).containsExactly(s[0], s[0]);
                seen.merge(s[0], 1, Integer::sum);
            }
        }
        assertThat(seen).hasSize(200);
        assertThat(corpus.passes).isEqualTo(11);
        assertThat(buffer.passes()).isEqualTo(11);
        // Roughly uniform: 10 draws per sample on average, none far off.
        assertThat(seen.values()).allMatch(k -> k >= 2 && k <= 25);
    }

    @Test
    void aCorpusSmallerThanTheBufferIsBufferedWhole() {
        ShuffleBuffer buffer = new ShuffleBuffer(new Corpus(30)::pass, 1000, 4, 3);
        buffer.batch(0);
        assertThat(buffer.size()).isEqualTo(30);
    }

    @Test
    void anEmptyStreamIsBadInput() {
        ShuffleBuffer buffer = new ShuffleBuffer(new Corpus(0)::pass, 10, 4, 3);
        assertThatThrownBy(() -> buffer.batch(0))
                .isInstanceOf(BadInputException.class)
                .hasMessage("no training samples");
    }
}
