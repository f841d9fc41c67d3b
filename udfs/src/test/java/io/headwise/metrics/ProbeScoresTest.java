package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ProbeScoresTest {

    private static final Offset<Double> EPS = within(1e-6);
    private static final int N = 3; // half_length; T = 1 + 2 * 3 = 7

    /** Second-copy queries q = 1 + n + i attend to keyOf(q); all other queries to themselves. */
    private static AttentionPattern probeHead(java.util.function.IntUnaryOperator keyOf) {
        return AttentionPattern.ofRows(Patterns.oneHot(1 + 2 * N, q -> q > N ? keyOf.applyAsInt(q) : q));
    }

    @Test
    void perfectInductionHead() {
        ProbeScores.Result r =
                ProbeScores.zero(N).add(probeHead(q -> q - N + 1)).finish();

        assertThat(r.induction()).isCloseTo(1.0, EPS);
        assertThat(r.duplicate()).isCloseTo(0.0, EPS);
        assertThat(r.prevToken()).isCloseTo(0.0, EPS);
        assertThat(r.nSequences()).isEqualTo(1);
        assertThat(r.halfLength()).isEqualTo(N);
    }

    @Test
    void perfectDuplicateHead() {
        ProbeScores.Result r = ProbeScores.zero(N).add(probeHead(q -> q - N)).finish();

        assertThat(r.duplicate()).isCloseTo(1.0, EPS);
        assertThat(r.induction()).isCloseTo(0.0, EPS);
        assertThat(r.prevToken()).isCloseTo(0.0, EPS);
    }

    @Test
    void perfectPreviousTokenHead() {
        ProbeScores.Result r = ProbeScores.zero(N).add(probeHead(q -> q - 1)).finish();

        assertThat(r.prevToken()).isCloseTo(1.0, EPS);
        assertThat(r.induction()).isCloseTo(0.0, EPS);
        assertThat(r.duplicate()).isCloseTo(0.0, EPS);
    }

    @Test
    void averagesOverAllSequences() {
        AttentionPattern induction = probeHead(q -> q - N + 1);
        AttentionPattern uniform = AttentionPattern.ofRows(Patterns.uniform(1 + 2 * N));

        ProbeScores.Result r = ProbeScores.zero(N).add(induction).add(uniform).finish();

        // (1 + mean(1/5, 1/6, 1/7)) / 2: the uniform head gives 1/(q+1) to every key at q = 4, 5, 6
        assertThat(r.induction()).isCloseTo(0.584920634920635, EPS);
        assertThat(r.duplicate()).isCloseTo((0 + (1 / 5.0 + 1 / 6.0 + 1 / 7.0) / 3) / 2, EPS);
        assertThat(r.nSequences()).isEqualTo(2);
    }

    @Test
    void mergeEqualsAddingEverything() {
        AttentionPattern a = probeHead(q -> q - N + 1);
        AttentionPattern b = AttentionPattern.ofRows(Patterns.uniform(1 + 2 * N));

        ProbeScores merged =
                ProbeScores.zero(N).add(a).merge(ProbeScores.zero(N).add(b));

        assertThat(merged).isEqualTo(ProbeScores.zero(N).add(a).add(b));
        assertThat(merged.inductionSum()).isCloseTo(3 + 1 / 5.0 + 1 / 6.0 + 1 / 7.0, EPS);
    }

    @Test
    void rejectsPatternOfWrongLength() {
        AttentionPattern tooShort = AttentionPattern.ofRows(Patterns.uniform(6));
        assertThatThrownBy(() -> ProbeScores.zero(N).add(tooShort))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("probe pattern has 6 positions, expected 1 + 2 * half_length = 7");
    }

    @Test
    void rejectsBadHalfLengthMismatchedMergeAndEmptyFinish() {
        assertThatThrownBy(() -> ProbeScores.zero(0)).hasMessage("probe half_length must be >= 1, got 0");
        assertThatThrownBy(() -> ProbeScores.zero(3).merge(ProbeScores.zero(4)))
                .hasMessage("cannot merge probe scores with half_length 3 and 4");
        assertThatThrownBy(() -> ProbeScores.zero(3).finish()).isInstanceOf(IllegalStateException.class);
    }
}
