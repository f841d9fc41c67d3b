package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;

/**
 * Autoregressive sampling from a {@link Gpt}: at each step the next id is drawn from {@code
 * softmax(logits / temperature)} restricted to the {@code topK} most likely ids (all when {@code
 * topK} is 0), with a seeded {@link Random} on the host, so a seed gives the same text on any
 * engine. Each step re-runs the whole context (no key/value cache: contexts here are short).
 */
public final class Sampler {

    private final Gpt gpt;
    private final NDManager manager;

    public Sampler(Gpt gpt, NDManager manager) {
        this.gpt = gpt;
        this.manager = manager;
    }

    /**
     * Extends {@code prompt} until {@code stopId} is drawn or the context is full.
     *
     * @param prompt {@code [T0]}, 1..n_positions ids
     * @param stopId the id that ends a sample (included in the result), or -1
     * @return {@code [T]}: the prompt and the drawn ids
     */
    public int[] generate(int[] prompt, double temperature, int topK, int stopId, Random random) {
        int limit = gpt.config().nPositions();
        if (prompt.length == 0 || prompt.length > limit) {
            throw new IllegalArgumentException("prompt of " + prompt.length + " tokens; needs 1.." + limit);
        }
        int[] ids = Arrays.copyOf(prompt, limit);
        int length = prompt.length;
        while (length < limit) {
            int next = draw(nextLogits(ids, length), temperature, topK, random);
            ids[length++] = next;
            if (next == stopId) {
                break;
            }
        }
        return Arrays.copyOf(ids, length);
    }

    /** {@code [V]}: the logits after {@code ids[0..length)}. */
    private float[] nextLogits(int[] ids, int length) {
        try (NDManager scratch = manager.newSubManager()) {
            long[] context = new long[length];
            for (int i = 0; i < length; i++) {
                context[i] = ids[i];
            }
            NDArray logits =
                    gpt.forward(scratch.create(context, new Shape(1, length))).logits();
            return logits.get(new NDIndex("0, -1, :")).toFloatArray();
        }
    }

    /** Draws an index from {@code softmax(logits / temperature)} over the top {@code topK}. */
    static int draw(float[] logits, double temperature, int topK, Random random) {
        double cutoff = Double.NEGATIVE_INFINITY;
        if (topK > 0 && topK < logits.length) {
            float[] sorted = logits.clone();
            Arrays.sort(sorted);
            cutoff = sorted[sorted.length - topK];
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = logits[i] < cutoff ? 0 : Math.exp((logits[i] - max) / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return i;
            }
        }
        return argMax(logits);
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
