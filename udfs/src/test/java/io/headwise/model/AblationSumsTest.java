package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class AblationSumsTest {

    /** Three samples by hand: Δ = 0.5, −0.25, 1.0 with 1, 3 and 4 predictions. */
    @Test
    void handCase() {
        AblationSums sums = new AblationSums(2);
        sums.add(0, 1, 2.0, 2.5, -0.5);
        sums.add(0, 3, 1.0, 0.75, 0.25);
        sums.add(0, 4, 3.0, 4.0, 1.0);
        assertThat(sums.samples(0)).isEqualTo(3);
        assertThat(sums.predictions(0)).isEqualTo(8);
        assertThat(sums.baseLoss(0)).isEqualTo((2.0 + 3 * 1.0 + 4 * 3.0) / 8);
        assertThat(sums.loss(0)).isEqualTo((2.5 + 3 * 0.75 + 4 * 4.0) / 8);
        assertThat(sums.deltaMean(0)).isCloseTo(1.25 / 3, within(1e-15));
        // Squared deviations from 5/12: (1/12)², (−8/12)², (7/12)² = 114/144, over n − 1 = 2.
        assertThat(sums.deltaStd(0)).isCloseTo(Math.sqrt(114.0 / 144 / 2), within(1e-15));
        assertThat(sums.fracHurt(0)).isEqualTo(2.0 / 3);
        assertThat(sums.maxDelta(0)).isEqualTo(1.0);
        assertThat(sums.gradProxy(0)).isCloseTo(0.75 / 3, within(1e-15));
        assertThat(sums.samples(1)).isZero();
        assertThat(sums.gradProxy(1)).isNaN();
    }

    @Test
    void oneSampleHasNoStandardDeviationAndNoGradientMeansNone() {
        AblationSums sums = new AblationSums(1);
        sums.add(0, 2, 1.0, 1.0, Double.NaN);
        assertThat(sums.deltaStd(0)).isNaN();
        assertThat(sums.gradProxy(0)).isNaN();
        assertThat(sums.fracHurt(0)).isZero(); // Δ = 0 does not hurt
    }

    /** Split anywhere and merged, the sums equal one pass over all samples and the two-pass formulas. */
    @Property(tries = 200)
    void mergedPartsEqualTheWhole(
            @ForAll @Size(min = 1, max = 40) List<@DoubleRange(min = -5, max = 5) Double> shifts,
            @ForAll @IntRange(min = 0, max = 40) int split) {
        int cut = Math.min(split, shifts.size());
        List<Double> deltas = new ArrayList<>();
        AblationSums whole = new AblationSums(1);
        AblationSums left = new AblationSums(1);
        AblationSums right = new AblationSums(1);
        for (int i = 0; i < shifts.size(); i++) {
            int predictions = 1 + i % 7;
            double base = 1.0 + i * 0.01;
            double loss = base + shifts.get(i);
            deltas.add(loss - base); // Δ as the sums see it, rounded
            whole.add(0, predictions, base, loss, deltas.get(i) / 2);
            (i < cut ? left : right).add(0, predictions, base, loss, deltas.get(i) / 2);
        }
        AblationSums merged = new AblationSums(1).merge(left).merge(right);
        int n = deltas.size();
        double mean = deltas.stream().mapToDouble(Double::doubleValue).sum() / n;
        double squares =
                deltas.stream().mapToDouble(d -> (d - mean) * (d - mean)).sum();
        for (AblationSums sums : new AblationSums[] {whole, merged}) {
            assertThat(sums.samples(0)).isEqualTo(n);
            assertThat(sums.deltaMean(0)).isCloseTo(mean, within(1e-12));
            if (n > 1) {
                assertThat(sums.deltaStd(0)).isCloseTo(Math.sqrt(squares / (n - 1)), within(1e-12));
            }
            assertThat(sums.maxDelta(0))
                    .isEqualTo(deltas.stream()
                            .mapToDouble(Double::doubleValue)
                            .max()
                            .orElseThrow());
            assertThat(sums.fracHurt(0))
                    .isEqualTo((double) deltas.stream().filter(d -> d > 0).count() / n);
            assertThat(sums.gradProxy(0)).isCloseTo(mean / 2, within(1e-12));
        }
        assertThat(merged.loss(0)).isCloseTo(whole.loss(0), within(1e-12));
        assertThat(merged.baseLoss(0)).isCloseTo(whole.baseLoss(0), within(1e-12));
        assertThat(merged.predictions(0)).isEqualTo(whole.predictions(0));
    }
}
