package io.headwise.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which key positions of one head receive the most attention over a whole text: mass(k) = Σ over
 * queries q = 1..T−1 of A[q][k]. Query 0 is left out because it can attend only to itself. (The
 * SQL function {@code top_attended(pattern, q, k)} is a different thing: the heaviest keys of one
 * query.)
 */
public final class ReceivedMass {

    private ReceivedMass() {}

    /**
     * The {@code k} key positions with the most received mass, heaviest first, ties by position.
     *
     * @param pattern {@code [T][k ≤ q]}
     */
    public static int[] topKeys(float[][] pattern, int k) {
        double[] mass = new double[pattern.length];
        for (int q = 1; q < pattern.length; q++) {
            for (int key = 0; key <= q; key++) {
                mass[key] += pattern[q][key];
            }
        }
        List<Integer> keys = new ArrayList<>();
        for (int i = 0; i < mass.length; i++) {
            keys.add(i);
        }
        keys.sort(Comparator.comparingDouble((Integer i) -> -mass[i]).thenComparing(i -> i));
        return keys.subList(0, Math.min(k, keys.size())).stream()
                .mapToInt(Integer::intValue)
                .toArray();
    }
}
