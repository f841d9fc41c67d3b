package io.headwise.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * AdamW (Loshchilov &amp; Hutter 2019) on DJL arrays, updating the parameters in place. With step
 * number {@code t} (1-based), gradient {@code g}, rate {@code lr} and weight decay {@code λ}:
 *
 * <pre>
 *   w ← w − lr·λ·w                 only for 2-D parameters (matrices, embeddings), as nanoGPT
 *   m ← β1·m + (1 − β1)·g
 *   v ← β2·v + (1 − β2)·g²
 *   w ← w − lr · (m / (1 − β1^t)) / (√(v / (1 − β2^t)) + ε)
 * </pre>
 *
 * <p>which is PyTorch's {@code torch.optim.AdamW}. Biases and LayerNorm gains are not decayed.
 * The moments live in the optimiser's own manager; every temporary of a step lives in the step's
 * manager, so nothing accumulates over a run.
 */
public final class AdamW implements AutoCloseable {

    private final Map<String, NDArray> parameters;
    private final Map<String, NDArray> m = new LinkedHashMap<>();
    private final Map<String, NDArray> v = new LinkedHashMap<>();
    private final NDManager stateManager;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private int step;

    /**
     * @param parameters name → parameter (each with {@code setRequiresGradient(true)})
     * @param manager the parent of the manager that holds the moments
     */
    public AdamW(
            Map<String, NDArray> parameters,
            NDManager manager,
            double beta1,
            double beta2,
            double eps,
            double weightDecay) {
        this.parameters = new LinkedHashMap<>(parameters);
        this.stateManager = manager.newSubManager();
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            m.put(e.getKey(), stateManager.zeros(e.getValue().getShape()));
            v.put(e.getKey(), stateManager.zeros(e.getValue().getShape()));
        }
    }

    /** Steps taken so far (t of the last update). */
    public int stepCount() {
        return step;
    }

    /** Whether {@code parameter} is decayed: matrices and embeddings are, vectors are not. */
    public static boolean decays(NDArray parameter) {
        return parameter.getShape().dimension() >= 2;
    }

    /**
     * One update from the gradients the parameters hold, at rate {@code lr}.
     *
     * @param scratch where this step's temporaries go; the caller closes it
     */
    public void step(double lr, NDManager scratch) {
        step++;
        double bias1 = 1 - Math.pow(beta1, step);
        double bias2 = 1 - Math.pow(beta2, step);
        for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
            NDArray w = e.getValue();
            NDArray g = gradient(w, scratch);
            NDArray mw = m.get(e.getKey());
            NDArray vw = v.get(e.getKey());
            if (weightDecay > 0 && decays(w)) {
                w.muli(1 - lr * weightDecay);
            }
            mw.muli(beta1).addi(g.mul(1 - beta1));
            vw.muli(beta2).addi(g.square().muli(1 - beta2));
            NDArray denominator =
                    scratch(vw.sqrt(), scratch).divi(Math.sqrt(bias2)).addi(eps);
            NDArray update = scratch(mw.div(denominator), scratch).muli(lr / bias1);
            w.subi(update);
        }
    }

    /** Sets every parameter's gradient to zero (DJL's PyTorch collector accumulates them). */
    public void zeroGradients(NDManager scratch) {
        for (NDArray w : parameters.values()) {
            NDArray g = gradient(w, scratch);
            g.subi(g);
        }
    }

    /**
     * The global L2 norm of all gradients, {@code √Σ‖g‖²}; when it exceeds {@code maxNorm > 0} the
     * gradients are scaled in place to norm {@code maxNorm} (PyTorch's {@code clip_grad_norm_}).
     *
     * @return the norm before clipping
     */
    public double clipGradients(double maxNorm, NDManager scratch) {
        NDArray total = null;
        for (NDArray w : parameters.values()) {
            NDArray squares = gradient(w, scratch).square().sum();
            total = total == null ? squares : total.add(squares);
        }
        double norm = Math.sqrt(total.getFloat());
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray w : parameters.values()) {
                gradient(w, scratch).muli(scale);
            }
        }
        return norm;
    }

    /** The moments, as {@code m.NAME} and {@code v.NAME}, for saving next to a checkpoint. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        m.forEach((name, array) -> state.put("m." + name, array));
        v.forEach((name, array) -> state.put("v." + name, array));
        return state;
    }

    /**
     * Restores moments saved by {@link #state()} and the step count.
     *
     * @throws IllegalArgumentException when a moment is missing or of the wrong shape
     */
    public void restore(Map<String, NDArray> state, int stepCount) {
        for (String name : parameters.keySet()) {
            copyInto(state, "m." + name, m.get(name));
            copyInto(state, "v." + name, v.get(name));
        }
        this.step = stepCount;
    }

    @Override
    public void close() {
        stateManager.close();
    }

    /**
     * Copies {@code state[key]} into {@code target}.
     *
     * @throws IllegalArgumentException when it is missing or of another shape
     */
    static void copyInto(Map<String, NDArray> state, String key, NDArray target) {
        NDArray saved = state.get(key);
        if (saved == null || !saved.getShape().equals(target.getShape())) {
            throw new IllegalArgumentException("optimizer state " + key
                    + (saved == null
                            ? " is missing"
                            : " has shape " + saved.getShape() + ", expected " + target.getShape()));
        }
        target.set(saved.toFloatArray());
    }

    /** {@code w}'s gradient as an array of {@code scratch} (a new handle per call in DJL). */
    private static NDArray gradient(NDArray w, NDManager scratch) {
        return scratch(w.getGradient(), scratch);
    }

    private static NDArray scratch(NDArray array, NDManager scratch) {
        array.attach(scratch);
        return array;
    }
}
