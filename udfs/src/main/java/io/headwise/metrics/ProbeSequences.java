package io.headwise.metrics;

import java.util.Set;
import java.util.SplittableRandom;

/**
 * The SPEC §4 probe sequences {@code [bos] + r + r}: {@code r} holds {@code n = half_length}
 * token ids drawn uniformly, with replacement, from the non-special vocabulary. Sequence {@code i}
 * of a seed depends only on {@code (seed, i)}, never on which task draws it, so a distributed
 * probe gives the same sequences however its indices are partitioned.
 */
public final class ProbeSequences {

    /** The largest default half length (SPEC §1 leaves {@code --half-length} to us). */
    public static final int HALF_LENGTH_MAX_DEFAULT = 20;

    private ProbeSequences() {}

    /**
     * {@code min(20, (n_positions − 1) / 2)}: as long as the context allows, capped so probes stay
     * cheap on large models.
     */
    public static int defaultHalfLength(int nPositions) {
        return Math.min(HALF_LENGTH_MAX_DEFAULT, (nPositions - 1) / 2);
    }

    /**
     * The ids {@code 0..vocabSize-1} without {@code specials}, ascending.
     *
     * @throws IllegalArgumentException if no id is left
     */
    public static int[] vocabulary(int vocabSize, Set<Integer> specials) {
        int[] ids = new int[vocabSize];
        int n = 0;
        for (int id = 0; id < vocabSize; id++) {
            if (!specials.contains(id)) {
                ids[n++] = id;
            }
        }
        if (n == 0) {
            throw new IllegalArgumentException(String.format(
                    "no non-special token ids among %d (specials %s) to draw probes from", vocabSize, specials));
        }
        return java.util.Arrays.copyOf(ids, n);
    }

    /**
     * Sequence {@code index}: {@code int[1 + 2n]}, {@code bos} then {@code r} twice.
     *
     * @param vocabulary the ids to draw from (see {@link #vocabulary})
     */
    public static int[] sequence(long seed, long index, int halfLength, int bos, int[] vocabulary) {
        if (halfLength < 1) {
            throw new IllegalArgumentException(String.format("probe half_length must be >= 1, got %d", halfLength));
        }
        // SplittableRandom mixes its seed, so consecutive (seed, index) pairs give unrelated streams.
        SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + index);
        int[] ids = new int[1 + 2 * halfLength];
        ids[0] = bos;
        for (int i = 0; i < halfLength; i++) {
            int id = vocabulary[random.nextInt(vocabulary.length)];
            ids[1 + i] = id;
            ids[1 + halfLength + i] = id;
        }
        return ids;
    }
}
