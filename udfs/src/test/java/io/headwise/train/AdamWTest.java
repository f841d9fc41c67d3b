package io.headwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.headwise.model.GradientScope;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AdamW against its formula, worked by hand for two steps on 2-element tensors. */
class AdamWTest {

    private static final double B1 = 0.9;
    private static final double B2 = 0.99;
    private static final double EPS = 1e-8;
    private static final double WD = 0.1;
    private static final double LR = 0.01;

    @Test
    void twoStepsMatchTheFormulaAndDecayOnlyMatrices() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray bias = manager.create(new float[] {1f, -2f}); // 1-D: not decayed
            NDArray matrix = manager.create(new float[] {1f, -2f}, new Shape(1, 2)); // 2-D: decayed
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("b", bias);
            params.put("w", matrix);
            params.values().forEach(p -> p.setRequiresGradient(true));
            float[] coeffs = {3f, -0.5f}; // loss = Σ c·x, so g = c
            double[] expectedBias = {1, -2};
            double[] expectedMatrix = {1, -2};
            double[] m = new double[2];
            double[] v = new double[2];
            try (AdamW adam = new AdamW(params, manager, B1, B2, EPS, WD)) {
                for (int t = 1; t <= 2; t++) {
                    try (NDManager scratch = manager.newSubManager()) {
                        backward(scratch, bias, matrix, coeffs);
                        adam.step(LR, scratch);
                        adam.zeroGradients(scratch);
                    }
                    for (int i = 0; i < 2; i++) {
                        double g = coeffs[i];
                        m[i] = B1 * m[i] + (1 - B1) * g;
                        v[i] = B2 * v[i] + (1 - B2) * g * g;
                        double update =
                                LR * (m[i] / (1 - Math.pow(B1, t))) / (Math.sqrt(v[i] / (1 - Math.pow(B2, t))) + EPS);
                        expectedBias[i] -= update;
                        expectedMatrix[i] = expectedMatrix[i] * (1 - LR * WD) - update;
                    }
                }
                assertThat(adam.stepCount()).isEqualTo(2);
            }
            float[] gotBias = bias.toFloatArray();
            float[] gotMatrix = matrix.toFloatArray();
            for (int i = 0; i < 2; i++) {
                assertThat((double) gotBias[i]).isCloseTo(expectedBias[i], within(1e-6));
                assertThat((double) gotMatrix[i]).isCloseTo(expectedMatrix[i], within(1e-6));
            }
            // By hand for step 1: m̂ = g, v̂ = g², so the update is lr·sign(g).
            assertThat(expectedBias[0]).isCloseTo(1 - 2 * LR, within(1e-6));
        }
    }

    @Test
    void clippingScalesToTheGlobalNorm() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray a = manager.create(new float[] {0f, 0f});
            NDArray w = manager.create(new float[] {0f, 0f}, new Shape(1, 2));
            Map<String, NDArray> params = Map.of("a", a, "w", w);
            params.values().forEach(p -> p.setRequiresGradient(true));
            try (AdamW adam = new AdamW(params, manager, B1, B2, EPS, WD);
                    NDManager scratch = manager.newSubManager()) {
                backward(scratch, a, w, new float[] {3f, 4f}); // each gradient (3, 4): global norm √50
                double norm = adam.clipGradients(1.0, scratch);
                assertThat(norm).isCloseTo(Math.sqrt(50), within(1e-5));
                assertThat(adam.clipGradients(0, scratch)).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    private static void backward(NDManager scratch, NDArray a, NDArray b, float[] coeffs) {
        NDArray c = scratch.create(coeffs);
        try (GradientScope scope = GradientScope.open(scratch)) {
            NDArray loss = a.mul(c).sum().add(b.reshape(2).mul(c).sum());
            loss.attach(scratch);
            scope.backward(loss);
        }
    }
}
