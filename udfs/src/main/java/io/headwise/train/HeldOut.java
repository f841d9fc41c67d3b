package io.headwise.train;

import io.headwise.BadInputException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The held-out (test) split, a pure function of the samples' ids so that every run, machine and
 * resume picks the same samples, and the same sample is held out whatever else is in the corpus.
 *
 * <p>Rule: rank the samples by {@code mix(sample_id)}, the SplitMix64 finaliser of {@code
 * sample_id + SEED} compared as unsigned 64-bit numbers (ties, which need equal ids, by {@code
 * sample_id}); the {@code count} lowest-ranked samples are held out. {@link #testCount} chooses
 * {@code count}: {@code ⌊n·fraction⌋}, and for a char-level (names) corpus at most 1,000 —
 * makemore's {@code min(1000, 10% of n)}, which is exactly 1,000 of the 32,033 names.
 */
public final class HeldOut {

    /** Fixed so that the split never changes between runs; not a user option on purpose. */
    public static final long SEED = 0x6865616477697365L; // "headwise"
    /** Held-out samples of a char-level corpus at most (makemore's test set size). */
    public static final int CHAR_LEVEL_MAX = 1000;

    private HeldOut() {}

    /** The SplitMix64 finaliser of {@code sampleId + SEED}: the rank key of a sample. */
    public static long rankKey(long sampleId) {
        long z = sampleId + SEED;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    /**
     * How many of {@code n} samples to hold out: {@code ⌊n·fraction⌋}, capped at {@link
     * #CHAR_LEVEL_MAX} for char-level corpora; at least 1 when {@code fraction > 0} and {@code n ≥
     * 2}, and never all of them.
     */
    public static int testCount(int n, double fraction, boolean charLevel) {
        if (!(fraction >= 0 && fraction < 1)) {
            throw new BadInputException("--test-fraction must be in [0, 1), got %s", fraction);
        }
        if (fraction == 0 || n < 2) {
            return 0;
        }
        int count = Math.max(1, (int) Math.floor(n * fraction));
        if (charLevel) {
            count = Math.min(count, CHAR_LEVEL_MAX);
        }
        return Math.min(count, n - 1);
    }

    /** The rank order of two sample ids: by {@link #rankKey}, unsigned, then by id. */
    public static int compareRank(long a, long b) {
        int byKey = Long.compareUnsigned(rankKey(a), rankKey(b));
        return byKey != 0 ? byKey : Long.compare(a, b);
    }

    /**
     * {@link #rankKey} with its sign bit flipped: ordering these as signed numbers orders the keys
     * as unsigned ones (for a sort in Spark, which has no unsigned type).
     */
    public static long signedRankKey(long sampleId) {
        return rankKey(sampleId) ^ Long.MIN_VALUE;
    }

    /** The ids of the {@code count} lowest-ranked samples of {@code sampleIds}. */
    public static Set<Long> select(long[] sampleIds, int count) {
        Long[] order = new Long[sampleIds.length];
        for (int i = 0; i < sampleIds.length; i++) {
            order[i] = sampleIds[i];
        }
        Arrays.sort(order, HeldOut::compareRank);
        Set<Long> test = new HashSet<>();
        for (int i = 0; i < Math.min(count, order.length); i++) {
            test.add(order[i]);
        }
        return test;
    }
}
