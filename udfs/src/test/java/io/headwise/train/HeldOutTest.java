package io.headwise.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HeldOutTest {

    @Test
    void namesGetExactlyOneThousandAsMakemore() {
        assertThat(HeldOut.testCount(32_033, 0.1, true)).isEqualTo(1000);
        assertThat(HeldOut.testCount(200, 0.1, true)).isEqualTo(20);
        assertThat(HeldOut.testCount(32_033, 0.1, false)).isEqualTo(3203);
        assertThat(HeldOut.testCount(1, 0.1, false)).isZero();
        assertThat(HeldOut.testCount(5, 0.1, false)).isEqualTo(1);
    }

    @Test
    void theSplitDependsOnlyOnTheIds() {
        long[] ids = new Random(7).longs(32_033).toArray();
        Set<Long> test = HeldOut.select(ids, 1000);
        assertThat(test).hasSize(1000);
        long[] reversed = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            reversed[i] = ids[ids.length - 1 - i];
        }
        assertThat(HeldOut.select(reversed, 1000)).isEqualTo(test);
        // a held-out sample stays held out when the cut grows
        assertThat(HeldOut.select(ids, 2000)).containsAll(test);
    }

    @Test
    void rankKeyIsFixed() {
        // Pinned: changing the mix or the seed would silently change every model's held-out set.
        assertThat(HeldOut.rankKey(0)).isEqualTo(4619263219629822156L);
        assertThat(HeldOut.rankKey(1)).isEqualTo(3455722994856542950L);
    }
}
