package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProbeSequencesTest {

    @Test
    void sequenceIsBosThenTheSameRandomHalfTwice() {
        int[] vocabulary = ProbeSequences.vocabulary(27, Set.of(0));
        int[] seq = ProbeSequences.sequence(7, 3, 5, 0, vocabulary);
        assertThat(seq).hasSize(11);
        assertThat(seq[0]).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(seq[1 + i]).isBetween(1, 26).isEqualTo(seq[6 + i]);
        }
    }

    @Test
    void sequencesDependOnlyOnSeedAndIndex() {
        int[] vocabulary = ProbeSequences.vocabulary(50, Set.of(0, 49));
        assertThat(ProbeSequences.sequence(1, 9, 8, 0, vocabulary))
                .containsExactly(ProbeSequences.sequence(1, 9, 8, 0, vocabulary));
        assertThat(ProbeSequences.sequence(1, 9, 8, 0, vocabulary))
                .isNotEqualTo(ProbeSequences.sequence(1, 10, 8, 0, vocabulary));
        assertThat(ProbeSequences.sequence(1, 9, 8, 0, vocabulary))
                .isNotEqualTo(ProbeSequences.sequence(2, 9, 8, 0, vocabulary));
    }

    @Test
    void drawsEveryNonSpecialIdAndNoSpecialOne() {
        int[] vocabulary = ProbeSequences.vocabulary(6, Set.of(0, 3));
        assertThat(vocabulary).containsExactly(1, 2, 4, 5);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int[] seq = ProbeSequences.sequence(0, i, 4, 0, vocabulary);
            for (int j = 1; j < seq.length; j++) {
                seen.add(seq[j]);
            }
        }
        assertThat(seen).containsExactlyInAnyOrder(1, 2, 4, 5);
    }

    @Test
    void defaultHalfLengthFitsTheContext() {
        assertThat(ProbeSequences.defaultHalfLength(1024)).isEqualTo(20);
        assertThat(ProbeSequences.defaultHalfLength(16)).isEqualTo(7);
        assertThatThrownBy(() -> ProbeSequences.vocabulary(1, Set.of(0)))
                .hasMessageContaining("no non-special token ids");
    }
}
