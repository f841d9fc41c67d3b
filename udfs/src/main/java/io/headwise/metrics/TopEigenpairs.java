package io.headwise.metrics;

import java.util.Random;

/**
 * The largest (algebraic) eigenvalues of a small symmetric matrix and their unit eigenvectors,
 * by power iteration with deflation. Deterministic: the start vectors come from a fixed seed,
 * and each eigenvector's sign is fixed so that its largest-magnitude component is positive.
 *
 * <p>Deflation projects every iterate onto the orthogonal complement of the eigenvectors already
 * found. Plain power iteration finds the eigenvalue of largest magnitude, which for an indefinite
 * matrix (classical MDS of non-Euclidean distances) may be negative; then the iteration is
 * repeated on {@code M + sI} with {@code s} large enough to make every eigenvalue non-negative,
 * which turns the largest algebraic eigenvalue into the dominant one.
 */
final class TopEigenpairs {

    /** An eigenvalue and its unit eigenvector. */
    record Pair(double value, double[] vector) {}

    private static final long SEED = 0x5EEDL;
    private static final int MAX_ITERATIONS = 10_000;
    /** Converged when {@code ‖Mv − λv‖ ≤ TOLERANCE · ‖M‖_F}. */
    private static final double TOLERANCE = 1e-11;

    private TopEigenpairs() {}

    /**
     * @param m {@code [n][n]} symmetric; not modified
     * @param count how many pairs, {@code ≤ n}
     * @return pairs in decreasing order of eigenvalue
     */
    static Pair[] of(double[][] m, int count) {
        int n = m.length;
        if (count > n) {
            throw new IllegalArgumentException(
                    String.format("cannot take %d eigenvectors of a %d x %d matrix", count, n, n));
        }
        double tolerance = TOLERANCE * Math.max(frobenius(m), Double.MIN_NORMAL);
        Random random = new Random(SEED);
        double[][] found = new double[count][];
        Pair[] pairs = new Pair[count];
        for (int j = 0; j < count; j++) {
            double[] start = startVector(random, n, found, j);
            Iteration it = iterate(m, start, found, j, 0, tolerance);
            if (!it.converged || it.value < 0) {
                double shift = it.converged ? -it.value : rowSumNorm(m);
                it = iterate(m, start, found, j, shift, tolerance);
            }
            fixSign(it.vector);
            found[j] = it.vector;
            pairs[j] = new Pair(it.value, it.vector);
        }
        return pairs;
    }

    private record Iteration(double value, double[] vector, boolean converged) {}

    /** Power iteration on {@code P(M + shift·I)P}, P projecting out {@code found[0..nFound)}. */
    private static Iteration iterate(
            double[][] m, double[] start, double[][] found, int nFound, double shift, double tol) {
        double[] v = start.clone();
        double value = 0;
        for (int iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
            double[] w = multiply(m, v);
            project(w, found, nFound);
            value = dot(v, w); // Rayleigh quotient of M itself
            double residual = 0;
            for (int i = 0; i < v.length; i++) {
                double r = w[i] - value * v[i];
                residual += r * r;
                w[i] += shift * v[i];
            }
            if (Math.sqrt(residual) <= tol) {
                return new Iteration(value, v, true);
            }
            double norm = Math.sqrt(dot(w, w));
            if (norm == 0) {
                return new Iteration(0, v, true);
            }
            for (int i = 0; i < w.length; i++) {
                w[i] /= norm;
            }
            v = w;
        }
        return new Iteration(value, v, false);
    }

    /** A seeded random direction orthogonal to the vectors found so far. */
    private static double[] startVector(Random random, int n, double[][] found, int nFound) {
        for (int attempt = 0; ; attempt++) {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = random.nextDouble() - 0.5;
            }
            project(v, found, nFound);
            double norm = Math.sqrt(dot(v, v));
            if (norm > 1e-8 || attempt > 100) {
                for (int i = 0; i < n; i++) {
                    v[i] /= norm;
                }
                return v;
            }
        }
    }

    private static void project(double[] v, double[][] found, int nFound) {
        for (int f = 0; f < nFound; f++) {
            double c = dot(v, found[f]);
            for (int i = 0; i < v.length; i++) {
                v[i] -= c * found[f][i];
            }
        }
    }

    private static void fixSign(double[] v) {
        int largest = 0;
        for (int i = 1; i < v.length; i++) {
            if (Math.abs(v[i]) > Math.abs(v[largest])) {
                largest = i;
            }
        }
        if (v[largest] < 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
        }
    }

    private static double[] multiply(double[][] m, double[] v) {
        double[] w = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            w[i] = dot(m[i], v);
        }
        return w;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double frobenius(double[][] m) {
        double s = 0;
        for (double[] row : m) {
            s += dot(row, row);
        }
        return Math.sqrt(s);
    }

    /** Bounds every eigenvalue's magnitude (Gershgorin). */
    private static double rowSumNorm(double[][] m) {
        double max = 0;
        for (double[] row : m) {
            double s = 0;
            for (double x : row) {
                s += Math.abs(x);
            }
            max = Math.max(max, s);
        }
        return max;
    }
}
