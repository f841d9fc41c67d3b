package io.headwise.metrics;

/**
 * Jensen–Shannon divergence between two discrete distributions, in nats:
 * {@code JSD(p, q) = ½ KL(p ‖ m) + ½ KL(q ‖ m)} with {@code m = (p + q) / 2}, natural log and
 * {@code 0·ln 0 = 0}. It is symmetric and lies in {@code [0, ln 2]}; {@code ln 2} exactly when the
 * supports are disjoint.
 */
public final class JensenShannon {

    /** The largest possible divergence, {@code ln 2}. */
    public static final double MAX = Math.log(2);

    private JensenShannon() {}

    /**
     * @param p a distribution (finite, {@code ≥ 0}, summing to 1)
     * @param q a distribution of the same length
     * @throws IllegalArgumentException if the lengths differ or a value is not a finite
     *     probability
     */
    public static double divergence(float[] p, float[] q) {
        if (p == null || q == null) {
            throw new IllegalArgumentException("Jensen-Shannon divergence of a null distribution");
        }
        if (p.length != q.length) {
            throw new IllegalArgumentException(
                    String.format("Jensen-Shannon divergence needs equal lengths, got %d and %d", p.length, q.length));
        }
        double sum = 0;
        for (int i = 0; i < p.length; i++) {
            sum += term(check(p[i], "p", i), check(q[i], "q", i));
        }
        return clamp(sum);
    }

    /**
     * Divergence between row {@code queryPos} of two patterns of the same length (attention rows
     * of two heads on one sample), read in place.
     */
    public static double divergence(AttentionPattern a, AttentionPattern b, int queryPos) {
        if (a.length() != b.length()) {
            throw new IllegalArgumentException(String.format(
                    "patterns compared by Jensen-Shannon divergence have %d and %d positions", a.length(), b.length()));
        }
        if (queryPos < 0 || queryPos >= a.length()) {
            throw new IllegalArgumentException(
                    String.format("query_pos %d is outside 0..%d", queryPos, a.length() - 1));
        }
        double sum = 0;
        for (int k = 0; k <= queryPos; k++) {
            sum += term(a.weight(queryPos, k), b.weight(queryPos, k));
        }
        return clamp(sum);
    }

    /** {@code ½ [p ln(p/m) + q ln(q/m)]} for one outcome, {@code m = (p + q) / 2}. */
    private static double term(double p, double q) {
        double m = (p + q) / 2;
        double t = 0;
        if (p > 0) {
            t += p * Math.log(p / m);
        }
        if (q > 0) {
            t += q * Math.log(q / m);
        }
        return t / 2;
    }

    /** Float rows sum to 1 only up to rounding, which can push the sum just outside the range. */
    static double clamp(double jsd) {
        return Math.min(MAX, Math.max(0, jsd));
    }

    private static double check(float value, String which, int index) {
        if (!(value >= 0f) || Float.isInfinite(value)) {
            throw new IllegalArgumentException(
                    String.format("%s[%d] is %s; expected a finite probability >= 0", which, index, value));
        }
        return value;
    }
}
