package io.headwise.metrics;

/**
 * Deterministic agglomerative clustering of {@code H} heads with average linkage (UPGMA).
 *
 * <p>Starting from singletons, it repeatedly merges the two clusters whose mean pairwise
 * distance is smallest until {@code k} clusters remain. A cluster is named by its smallest
 * member index; ties between equal distances go to the pair whose (smaller name, larger name)
 * is lexicographically smallest. Cluster ids {@code 0..k-1} are assigned in order of smallest
 * member, so head 0 is always in cluster 0 and the result does not depend on merge order.
 */
public final class HeadClustering {

    private HeadClustering() {}

    /**
     * The number of clusters the summarize job uses unless told otherwise:
     * {@code max(1, round(sqrt(nHeads)))}, e.g. 12 for GPT-2 small's 144 heads.
     */
    public static int defaultClusterCount(int nHeads) {
        if (nHeads < 0) {
            throw new IllegalArgumentException(String.format("number of heads must be >= 0, got %d", nHeads));
        }
        return (int) Math.max(1, Math.round(Math.sqrt(nHeads)));
    }

    /**
     * @param distance {@code [H][H]} symmetric, finite, {@code ≥ 0}; the diagonal is ignored and the
     *     matrix is not modified (e.g. {@link HeadDistance#js()} of every pair of heads)
     * @param k number of clusters, {@code 1 ≤ k ≤ H}
     * @return {@code int[H]}, the cluster id {@code 0..k-1} of every head
     * @throws IllegalArgumentException if the matrix is malformed or {@code k} out of range
     */
    public static int[] cluster(double[][] distance, int k) {
        int h = DistanceMatrix.check(distance);
        if (k < 1 || k > h) {
            throw new IllegalArgumentException(
                    String.format("cluster count k must be in 1..%d (the number of heads), got %d", h, k));
        }
        double[][] link = new double[h][h]; // mean distance between the clusters named i and j
        for (int i = 0; i < h; i++) {
            for (int j = i + 1; j < h; j++) {
                link[i][j] = distance[i][j];
                link[j][i] = distance[i][j];
            }
        }
        int[] size = new int[h];
        int[] owner = new int[h]; // name (smallest member) of each head's cluster
        for (int i = 0; i < h; i++) {
            size[i] = 1;
            owner[i] = i;
        }
        for (int clusters = h; clusters > k; clusters--) {
            int[] pair = closestPair(link, size);
            merge(link, size, owner, pair[0], pair[1]);
        }
        return numberBySmallestMember(owner);
    }

    /** Scans names in ascending order and keeps the first strict minimum, so ties pick the
     *  lexicographically smallest pair. */
    private static int[] closestPair(double[][] link, int[] size) {
        double best = Double.POSITIVE_INFINITY;
        int[] pair = null;
        for (int i = 0; i < size.length; i++) {
            if (size[i] == 0) {
                continue;
            }
            for (int j = i + 1; j < size.length; j++) {
                if (size[j] != 0 && (pair == null || link[i][j] < best)) {
                    best = link[i][j];
                    pair = new int[] {i, j};
                }
            }
        }
        return pair;
    }

    /** Folds cluster {@code b} into {@code a < b}; {@code a} stays the smallest member. */
    private static void merge(double[][] link, int[] size, int[] owner, int a, int b) {
        int merged = size[a] + size[b];
        for (int c = 0; c < size.length; c++) {
            if (size[c] != 0 && c != a && c != b) {
                // mean over all member pairs, from the two means it is made of (Lance-Williams)
                double d = (size[a] * link[a][c] + size[b] * link[b][c]) / merged;
                link[a][c] = d;
                link[c][a] = d;
            }
        }
        size[a] = merged;
        size[b] = 0;
        for (int m = 0; m < owner.length; m++) {
            if (owner[m] == b) {
                owner[m] = a;
            }
        }
    }

    private static int[] numberBySmallestMember(int[] owner) {
        int[] idOfName = new int[owner.length];
        java.util.Arrays.fill(idOfName, -1);
        int next = 0;
        int[] ids = new int[owner.length];
        for (int m = 0; m < owner.length; m++) {
            if (idOfName[owner[m]] < 0) {
                idOfName[owner[m]] = next++;
            }
            ids[m] = idOfName[owner[m]];
        }
        return ids;
    }
}
