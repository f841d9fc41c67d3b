package io.headwise.metrics;

/**
 * {@link HeadDistance} of every pair of {@code H} heads, accumulated sample by sample: the
 * executor side of {@code head_distances}. Mutable, for one task; partial results are combined
 * by summing {@link #nRows} and {@link #divergenceSum} of each pair (what Spark does).
 */
public final class PairwiseDistances {

    private final int nHeads;
    private final HeadDistance[][] pairs;

    /** @param nHeads {@code H}, heads indexed {@code layer * n_head + head} */
    public PairwiseDistances(int nHeads) {
        if (nHeads < 1) {
            throw new IllegalArgumentException(String.format("number of heads must be >= 1, got %d", nHeads));
        }
        this.nHeads = nHeads;
        this.pairs = new HeadDistance[nHeads][nHeads];
        for (int a = 0; a < nHeads; a++) {
            for (int b = a + 1; b < nHeads; b++) {
                pairs[a][b] = HeadDistance.zero();
            }
        }
    }

    public int nHeads() {
        return nHeads;
    }

    /**
     * Adds one sample.
     *
     * @param heads {@code [H]} the heads' patterns on the sample; null for a head without one
     *     (that head's pairs skip the sample)
     */
    public void add(AttentionPattern[] heads) {
        if (heads.length != nHeads) {
            throw new IllegalArgumentException(
                    String.format("expected %d heads' patterns, got %d", nHeads, heads.length));
        }
        for (int a = 0; a < nHeads; a++) {
            for (int b = a + 1; b < nHeads; b++) {
                if (heads[a] != null && heads[b] != null) {
                    pairs[a][b] = pairs[a][b].add(heads[a], heads[b]);
                }
            }
        }
    }

    /**
     * One sample's divergence sums of every pair {@code a < b} of heads, flat in pair order ({@code
     * (0,1), (0,2), …, (1,2), …}): what {@link #add} adds for that sample. A pure function, so
     * samples can be compared on several threads and {@link #addSums added} on one; {@link
     * #prepare} splits one sample's pairs over threads.
     *
     * @param heads {@code [H]} every head's pattern on the sample, all of one length
     */
    public static double[] sampleSums(AttentionPattern[] heads) {
        SampleHeads prepared = prepare(heads);
        double[] sums = new double[prepared.pairs()];
        prepared.sums(0, heads.length, sums);
        return sums;
    }

    /** One sample's heads, ready for {@link SampleHeads#sums} of any range of pairs. */
    public static SampleHeads prepare(AttentionPattern[] heads) {
        return new SampleHeads(heads);
    }

    /**
     * A sample's heads with each row's {@code Σ p ln p}: with {@code m = (p + q) / 2}, {@code JSD =
     * ½ (Σ p ln p + Σ q ln q) − Σ m ln m}, so a pair costs one logarithm per weight instead of two
     * logarithms and two divisions. Read-only once built: several threads may each fill a share.
     */
    public static final class SampleHeads {
        private final int h;
        private final int t;
        /** Each head's rows {@code q ≥ 1} flat (row q at {@code q(q+1)/2 − 1}). */
        private final float[][] weights;

        private final double[][] negEntropy;

        private SampleHeads(AttentionPattern[] heads) {
            h = heads.length;
            t = h == 0 ? 0 : heads[0].length();
            int cells = t * (t + 1) / 2 - 1;
            weights = new float[h][Math.max(cells, 0)];
            negEntropy = new double[h][t];
            for (int a = 0; a < h; a++) {
                if (heads[a].length() != t) {
                    throw new IllegalArgumentException(String.format(
                            "heads compared on one sample have patterns of %d and %d positions", t, heads[a].length()));
                }
                int cell = 0;
                for (int q = 1; q < t; q++) {
                    double sum = 0;
                    for (int k = 0; k <= q; k++) {
                        float p = heads[a].weight(q, k);
                        weights[a][cell++] = p;
                        if (p > 0) {
                            sum += p * Math.log(p);
                        }
                    }
                    negEntropy[a][q] = sum;
                }
            }
        }

        /** {@code H (H − 1) / 2}. */
        public int pairs() {
            return h * (h - 1) / 2;
        }

        /**
         * The first head of share {@code s} of {@code shares}: shares {@code [shareStart(s),
         * shareStart(s + 1))} of first heads hold about as many pairs each ({@code shareStart(shares)
         * = H}).
         */
        public int shareStart(int s, int shares) {
            if (s >= shares) {
                return h;
            }
            long target = (long) pairs() * s / shares;
            int a = 0;
            while (a < h && offset(a) < target) {
                a++;
            }
            return a;
        }

        /** Writes the sums of the pairs {@code (a, b)} with {@code from ≤ a < to} at their place in {@code into}. */
        public void sums(int from, int to, double[] into) {
            for (int a = from; a < to; a++) {
                int pair = offset(a);
                for (int b = a + 1; b < h; b++) {
                    into[pair++] = pairSum(a, b);
                }
            }
        }

        /** Where pairs {@code (a, ·)} start in pair order. */
        private int offset(int a) {
            return a * h - a * (a + 1) / 2;
        }

        private double pairSum(int a, int b) {
            float[] wa = weights[a];
            float[] wb = weights[b];
            double total = 0;
            int cell = 0;
            for (int q = 1; q < t; q++) {
                double mixed = 0;
                for (int end = cell + q + 1; cell < end; cell++) {
                    double m = ((double) wa[cell] + wb[cell]) / 2;
                    if (m > 0) {
                        mixed += m * Math.log(m);
                    }
                }
                total += JensenShannon.clamp((negEntropy[a][q] + negEntropy[b][q]) / 2 - mixed);
            }
            return total;
        }
    }

    /**
     * Adds one sample's {@link #sampleSums}.
     *
     * @param queries the sample's queries {@code q ≥ 1} ({@code T − 1}), the rows each pair compared
     */
    public void addSums(double[] sums, int queries) {
        if (sums.length != nHeads * (nHeads - 1) / 2) {
            throw new IllegalArgumentException(
                    String.format("expected the sums of %d pairs, got %d", nHeads * (nHeads - 1) / 2, sums.length));
        }
        int pair = 0;
        for (int a = 0; a < nHeads; a++) {
            for (int b = a + 1; b < nHeads; b++) {
                pairs[a][b] = pairs[a][b].merge(new HeadDistance(queries, sums[pair++]));
            }
        }
    }

    /** Pair {@code a < b}'s distance so far. */
    public HeadDistance pair(int a, int b) {
        if (a >= b) {
            throw new IllegalArgumentException(String.format("pairs are (a, b) with a < b, got (%d, %d)", a, b));
        }
        return pairs[a][b];
    }

    /**
     * The symmetric {@code [H][H]} matrix of {@link HeadDistance#js()} from per-pair totals, zero
     * on the diagonal.
     *
     * @param nRows {@code [H][H]}, only {@code a < b} read
     * @param divergenceSum {@code [H][H]}, only {@code a < b} read
     * @throws IllegalStateException naming a pair that shares no attention row
     */
    public static double[][] matrix(long[][] nRows, double[][] divergenceSum) {
        int h = nRows.length;
        double[][] js = new double[h][h];
        for (int a = 0; a < h; a++) {
            for (int b = a + 1; b < h; b++) {
                double d = new HeadDistance(nRows[a][b], divergenceSum[a][b]).js();
                js[a][b] = d;
                js[b][a] = d;
            }
        }
        return js;
    }
}
