package io.headwise.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PatternSelectionTest {

    @Test
    void noneAllAndIds() {
        assertThat(PatternSelection.parse("none").selects(7)).isFalse();
        assertThat(PatternSelection.parse("all").selects(7)).isTrue();
        PatternSelection ids = PatternSelection.parse("ids:3, -5,12");
        assertThat(ids.selects(3)).isTrue();
        assertThat(ids.selects(-5)).isTrue();
        assertThat(ids.selects(12)).isTrue();
        assertThat(ids.selects(4)).isFalse();
        assertThat(ids.toString()).isEqualTo("ids:3, -5,12");
    }

    @Test
    void aFractionSelectsAboutThatShareDeterministically() {
        PatternSelection two = PatternSelection.parse("0.02");
        long selected = LongStream.range(0, 200_000)
                .map(i -> i * 0x9E3779B97F4A7C15L)
                .filter(two::selects)
                .count();
        // Binomial(200000, 0.02): mean 4000, sd 63.
        assertThat(selected).isBetween(3750L, 4250L);
        assertThat(LongStream.range(0, 1000).filter(two::selects).toArray())
                .isEqualTo(LongStream.range(0, 1000)
                        .filter(PatternSelection.parse("0.02")::selects)
                        .toArray());
        assertThat(PatternSelection.parse("0").selects(1)).isFalse();
        assertThat(PatternSelection.parse("1").selects(1)).isTrue();
        assertThat(PatternSelection.uniform(42)).isBetween(0.0, 1.0);
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> PatternSelection.parse("some"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--patterns must be none, all, a fraction in [0, 1] or ids:1,2,3; got 'some'");
        assertThatThrownBy(() -> PatternSelection.parse("1.5"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--patterns: a fraction must be in [0, 1], got 1.5");
        assertThatThrownBy(() -> PatternSelection.parse("ids:1,x"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--patterns: 'x' in 'ids:1,x' is not a sample id");
        assertThatThrownBy(() -> PatternSelection.parse("--explain", "2"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--explain: a fraction must be in [0, 1], got 2.0");
        assertThatThrownBy(() -> PatternSelection.parse("--explain", "ids:y"))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--explain: 'y' in 'ids:y' is not a sample id");
    }

    @Test
    void whatSelectsNothing() {
        assertThat(PatternSelection.parse("none").selectsNone()).isTrue();
        assertThat(PatternSelection.parse("0").selectsNone()).isTrue();
        assertThat(PatternSelection.parse("0.001").selectsNone()).isFalse();
        assertThat(PatternSelection.parse("ids:4").selectsNone()).isFalse();
        assertThat(PatternSelection.parse("all").selectsNone()).isFalse();
    }
}
