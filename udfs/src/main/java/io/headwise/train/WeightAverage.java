package io.headwise.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of a model's weights (Polyak averaging, as {@code
 * torch.optim.swa_utils.AveragedModel} with an EMA): after every optimiser step, for every
 * parameter {@code w} and its average {@code a},
 *
 * <pre>
 *   a ← d·a + (1 − d)·w
 * </pre>
 *
 * <p>starting from the weights the run starts with. With decay {@code d} the average spans about
 * {@code 1/(1 − d)} steps. The average and the trained weights can trade places in the same
 * arrays ({@link #swap}), so the model can be evaluated and saved with the averaged weights and
 * then train on with its own; {@link #trained()} names whichever arrays hold the trained weights.
 */
public final class WeightAverage implements AutoCloseable {

    /** Prefix of the trained weights in the optimiser state a checkpoint is saved with. */
    public static final String TRAINED_PREFIX = "trained.";

    private final Map<String, NDArray> weights;
    private final Map<String, NDArray> average = new LinkedHashMap<>();
    private final NDManager manager;
    private final double decay;
    private boolean swapped;

    /**
     * @param weights name → parameter, the arrays the optimiser updates in place
     * @param decay {@code d} in (0, 1)
     */
    public WeightAverage(Map<String, NDArray> weights, NDManager manager, double decay) {
        if (!(decay > 0 && decay < 1)) {
            throw new IllegalArgumentException("EMA decay must be in (0, 1), got " + decay);
        }
        this.weights = new LinkedHashMap<>(weights);
        this.manager = manager.newSubManager();
        this.decay = decay;
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray copy = e.getValue().duplicate();
            copy.attach(this.manager);
            average.put(e.getKey(), copy);
        }
    }

    /** Folds the current weights into the average (not while {@link #swap swapped}). */
    public void update(NDManager scratch) {
        if (swapped) {
            throw new IllegalStateException("the average is swapped into the model");
        }
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray term = e.getValue().mul(1 - decay);
            term.attach(scratch);
            average.get(e.getKey()).muli(decay).addi(term);
        }
    }

    /** Exchanges the contents of the weights and the average; a second call undoes the first. */
    public void swap(NDManager scratch) {
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            NDArray w = e.getValue();
            NDArray a = average.get(e.getKey());
            NDArray saved = w.duplicate();
            saved.attach(scratch);
            a.copyTo(w);
            saved.copyTo(a);
        }
        swapped = !swapped;
    }

    /** Whether the model's arrays hold the average now. */
    public boolean swapped() {
        return swapped;
    }

    /** The arrays that hold the trained (not averaged) weights now, by parameter name. */
    public Map<String, NDArray> trained() {
        return swapped ? average : weights;
    }

    /** The arrays that hold the average now, by parameter name. */
    public Map<String, NDArray> averaged() {
        return swapped ? weights : average;
    }

    @Override
    public void close() {
        manager.close();
    }
}
