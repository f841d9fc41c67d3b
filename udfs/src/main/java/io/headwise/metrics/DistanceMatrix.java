package io.headwise.metrics;

/** Boundary checks for the {@code [H][H]} distance matrices that clustering and MDS read. */
final class DistanceMatrix {

    /** Relative slack allowed between {@code d[i][j]} and {@code d[j][i]}. */
    private static final double SYMMETRY_TOLERANCE = 1e-9;

    private DistanceMatrix() {}

    /**
     * Checks that {@code distance} is square, finite, non-negative and symmetric off the diagonal;
     * the diagonal is never read.
     *
     * @return {@code H}
     */
    static int check(double[][] distance) {
        if (distance == null) {
            throw new IllegalArgumentException("distance matrix is null");
        }
        int h = distance.length;
        for (int i = 0; i < h; i++) {
            if (distance[i] == null || distance[i].length != h) {
                throw new IllegalArgumentException(String.format(
                        "distance matrix must be %d x %d, but row %d has length %s",
                        h, h, i, distance[i] == null ? "null" : distance[i].length));
            }
        }
        for (int i = 0; i < h; i++) {
            for (int j = i + 1; j < h; j++) {
                double dij = distance[i][j];
                double dji = distance[j][i];
                if (!(dij >= 0) || Double.isInfinite(dij) || !(dji >= 0) || Double.isInfinite(dji)) {
                    throw new IllegalArgumentException(String.format(
                            "distance between %d and %d is %s / %s; expected a finite value >= 0", i, j, dij, dji));
                }
                if (Math.abs(dij - dji) > SYMMETRY_TOLERANCE * Math.max(1, Math.max(dij, dji))) {
                    throw new IllegalArgumentException(String.format(
                            "distance matrix is not symmetric: d[%d][%d] = %s but d[%d][%d] = %s",
                            i, j, dij, j, i, dji));
                }
            }
        }
        return h;
    }
}
