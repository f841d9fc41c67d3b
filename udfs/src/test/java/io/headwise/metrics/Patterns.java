package io.headwise.metrics;

/** Hand-built causal patterns shared by the metric tests. */
final class Patterns {

    private Patterns() {}

    /** Every query puts all its weight on key {@code keyOf(q)}. */
    static float[][] oneHot(int t, java.util.function.IntUnaryOperator keyOf) {
        float[][] rows = new float[t][];
        for (int q = 0; q < t; q++) {
            rows[q] = new float[q + 1];
            rows[q][keyOf.applyAsInt(q)] = 1f;
        }
        return rows;
    }

    /** Query {@code q} spreads its weight evenly over keys {@code 0..q}. */
    static float[][] uniform(int t) {
        float[][] rows = new float[t][];
        for (int q = 0; q < t; q++) {
            rows[q] = new float[q + 1];
            java.util.Arrays.fill(rows[q], 1f / (q + 1));
        }
        return rows;
    }
}
