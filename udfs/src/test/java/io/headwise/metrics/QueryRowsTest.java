package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class QueryRowsTest {

    private static final AttentionPattern PATTERN = AttentionPattern.ofRows(new float[][] {
        {1f}, {0.25f, 0.75f}, {0.5f, 0.2f, 0.3f}, {0.1f, 0.4f, 0.4f, 0.1f},
    });

    @Test
    void topKeysAreHeaviestFirstWithTiesToTheSmallerPosition() {
        assertThat(QueryRows.topKeys(PATTERN, 2, 2)).containsExactly(0, 2);
        assertThat(QueryRows.topKeys(PATTERN, 3, 3)).containsExactly(1, 2, 0);
        assertThat(QueryRows.topKeys(PATTERN, 1, 5)).containsExactly(1, 0);
    }

    @Test
    void entropyOfOneRowInNats() {
        assertThat(QueryRows.entropy(PATTERN, 0)).isEqualTo(0.0);
        double expected = -(0.25 * Math.log(0.25) + 0.75 * Math.log(0.75));
        assertThat(QueryRows.entropy(PATTERN, 1)).isCloseTo(expected, within(1e-7));
    }

    @Test
    void refusesQueriesOutsideThePatternAndKBelowOne() {
        assertThat(QueryRows.hasQuery(PATTERN, 4)).isFalse();
        assertThatThrownBy(() -> QueryRows.entropy(PATTERN, 4)).hasMessage("query_pos 4 is outside 0..3");
        assertThatThrownBy(() -> QueryRows.topKeys(PATTERN, 1, 0)).hasMessage("top_attended: k must be >= 1, got 0");
    }
}
