package io.headwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.headwise.BadInputException;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    static TrainConfig schedule(int steps, int warmup, boolean cosine) {
        return new TrainConfig(steps, 8, 1e-3, 1e-4, warmup, cosine, 0.01, 0.9, 0.99, 1e-8, 0, 1.0, 1, 100, 4);
    }

    @Test
    void warmupIsLinearThenCosineDecaysToMinLr() {
        TrainConfig c = schedule(1100, 100, true);
        assertThat(c.lrAt(0)).isCloseTo(1e-5, within(1e-15));
        assertThat(c.lrAt(49)).isCloseTo(5e-4, within(1e-15));
        assertThat(c.lrAt(99)).isCloseTo(1e-3, within(1e-15));
        assertThat(c.lrAt(100)).isCloseTo(1e-3, within(1e-15));
        // half-way through the decay: the mean of lr and minLr
        assertThat(c.lrAt(600)).isCloseTo(5.5e-4, within(1e-12));
        // a quarter: minLr + (1 + cos(π/4))/2 · (lr − minLr)
        assertThat(c.lrAt(350)).isCloseTo(1e-4 + 0.5 * (1 + Math.cos(Math.PI / 4)) * 9e-4, within(1e-12));
        assertThat(c.lrAt(1100)).isEqualTo(1e-4);
    }

    @Test
    void withoutWarmupOrDecayTheRateIsConstant() {
        TrainConfig c = schedule(1000, 0, false);
        assertThat(c.lrAt(0)).isEqualTo(1e-3);
        assertThat(c.lrAt(999)).isEqualTo(1e-3);
    }

    @Test
    void badValuesNameTheOption() {
        assertThatThrownBy(() -> new TrainConfig(0, 8, 1e-3, 0, 0, false, 0, 0.9, 0.99, 1e-8, 0, 0, 1, 1, 1))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--steps");
        assertThatThrownBy(() -> new TrainConfig(10, 8, 1e-3, 0, 0, false, 0, 0.9, 0.99, 1e-8, 1.0, 0, 1, 1, 1))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--dropout");
        assertThatThrownBy(() -> new TrainConfig(10, 8, Double.NaN, 0, 0, false, 0, 0.9, 0.99, 1e-8, 0, 0, 1, 1, 1))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("--lr");
        TrainConfig fine = new TrainConfig(10, 8, 1e-3, 0, 0, false, 0, 0.9, 0.99, 1e-8, 0, 0, 1, 1, 1);
        assertThatThrownBy(() -> fine.withEmaDecay(1.0))
                .isInstanceOf(BadInputException.class)
                .hasMessage("--ema must be in [0, 1) (0 = off), got 1.0");
        assertThat(fine.withEmaDecay(0.999).emaDecay()).isEqualTo(0.999);
        assertThat(fine.emaDecay()).isZero();
    }
}
