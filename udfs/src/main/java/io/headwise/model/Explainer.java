package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.headwise.explain.GradientRollout;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link Explanation}s of the samples of a batch that ask for one (SPEC §6), from the batch's
 * forward pass and, for {@code grad_rollout}, one more forward and backward pass.
 *
 * <p>{@code grad_rollout} needs {@code ∂y_q/∂A} for every query {@code q} of a sample, a different
 * objective per query. Each query gets its own copy of its sample as a row of one batch ({@code N
 * = Σ (T_s − 1)} rows over the explained samples): rows do not interact, so one backward pass of
 * {@code Σ_r y_{q_r}} gives every row its own gradient. The gradient of each pattern comes from a
 * probe of ones it is multiplied by ({@link Gpt#forward(NDArray, NDArray, List, boolean)}): {@code
 * ∂y/∂probe = ∂y/∂A ⊙ A = G}. The copies go in chunks of at most {@code B} rows (one sample's
 * {@code T − 1} when they alone are more), one backward pass per chunk, so the extra pass holds
 * about as many activations as the batch's own. The rollout itself runs on the device, one row per query: row
 * {@code q} of {@code R = (I + Ā_{L−1})···(I + Ā_0)} is {@code e_qᵀ} times those factors, {@code L}
 * batched vector-matrix products ({@link GradientRollout} is the plain form).
 *
 * <p>Cost: the copies make the extra pass {@code T − 1} times a sample's forward and backward, and
 * the logit lens multiplies the unembedding ({@code T·C·V}) by {@code L}; both only for the samples
 * that ask.
 */
final class Explainer {

    private final Gpt gpt;
    private final long copyBudget;

    Explainer(Gpt gpt) {
        this(gpt, COPY_PATTERN_BUDGET);
    }

    /** @param copyBudget the most attention weights a pass over query copies holds (tests: small) */
    Explainer(Gpt gpt, long copyBudget) {
        this.gpt = gpt;
        this.copyBudget = copyBudget;
    }

    /**
     * @param batch the samples, unpadded
     * @param ids {@code [B, t]} the right-padded batch
     * @param out the batch's forward pass
     * @param explain per sample whether it asks
     * @return per sample its explanation, null where it does not ask
     */
    Explanation[] explain(List<int[]> batch, NDArray ids, GptOutput out, boolean[] explain) {
        int b = batch.size();
        Explanation[] explanations = new Explanation[b];
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < b; i++) {
            if (explain[i]) {
                chosen.add(i);
            }
        }
        if (chosen.isEmpty()) {
            return explanations;
        }
        GptConfig config = gpt.config();
        int nLayer = config.nLayer();
        int nHead = config.nHead();
        int t = Math.toIntExact(ids.getShape().get(1));
        int e = chosen.size();
        NDManager manager = ids.getManager();
        NDArray index =
                manager.create(chosen.stream().mapToLong(Integer::longValue).toArray());
        float[] valueNorms = valueNorms(out, index); // [L, E, H, t]
        Lens lens = lens(out, index, ids.get(new NDIndex("{}", index)), t); // [L, E, t] each
        List<int[]> explained = new ArrayList<>(e);
        for (int i : chosen) {
            explained.add(batch.get(i));
        }
        float[][][] gradRollout = gradRollout(explained, Math.max(b, 1), manager);
        for (int j = 0; j < e; j++) {
            int n = explained.get(j).length;
            float[][][] norms = new float[nLayer][nHead][n];
            int[][] topId = new int[nLayer][n];
            float[][] topProb = new float[nLayer][n];
            float[][] targetProb = new float[nLayer][Math.max(n - 1, 0)];
            int[][] targetRank = new int[nLayer][Math.max(n - 1, 0)];
            for (int l = 0; l < nLayer; l++) {
                for (int h = 0; h < nHead; h++) {
                    System.arraycopy(valueNorms, ((l * e + j) * nHead + h) * t, norms[l][h], 0, n);
                }
                int base = (l * e + j) * t;
                for (int p = 0; p < n; p++) {
                    topId[l][p] = (int) lens.topId[base + p];
                }
                System.arraycopy(lens.topProb, base, topProb[l], 0, n);
                if (n > 1) {
                    int targetBase = (l * e + j) * (t - 1);
                    System.arraycopy(lens.targetProb, targetBase, targetProb[l], 0, n - 1);
                    for (int p = 0; p < n - 1; p++) {
                        targetRank[l][p] = (int) lens.targetRank[targetBase + p];
                    }
                }
            }
            explanations[chosen.get(j)] =
                    new Explanation(norms, gradRollout[j], topId, topProb, targetProb, targetRank);
        }
        return explanations;
    }

    /**
     * {@code ‖v·W_O^h‖₂} per key for the chosen samples.
     *
     * @param index {@code [E]} int64 the chosen samples
     * @return {@code [L, E, H, t]}
     */
    private float[] valueNorms(GptOutput out, NDArray index) {
        NDList norms = new NDList(gpt.config().nLayer());
        for (int l = 0; l < gpt.config().nLayer(); l++) {
            NDArray v = out.v().get(l).get(new NDIndex("{}", index)); // (E, H, t, D)
            norms.add(gpt.headOutputNorms(l, v)); // (E, H, t)
        }
        return NDArrays.stack(norms).toFloatArray();
    }

    /** The logit lens of the chosen samples, each array {@code [L, E, t]} ({@code t − 1} for targets). */
    private record Lens(long[] topId, float[] topProb, float[] targetProb, long[] targetRank) {}

    /**
     * @param index {@code [E]} int64 the chosen samples
     * @param ids {@code [E, t]} their padded ids
     */
    private Lens lens(GptOutput out, NDArray index, NDArray ids, int t) {
        int nLayer = gpt.config().nLayer();
        NDList topIds = new NDList(nLayer);
        NDList topProbs = new NDList(nLayer);
        NDList targetProbs = new NDList(nLayer);
        NDList targetRanks = new NDList(nLayer);
        NDArray targets = t > 1 ? ids.get(new NDIndex(":, 1:")).expandDims(-1) : null; // (E, t−1, 1)
        NDManager parent = index.getManager();
        for (int l = 0; l < nLayer; l++) {
            // One layer's [E, t, V] logits and their softmax at a time, freed before the next layer's
            // (the batch's manager would keep every layer's: L · E · t · V floats, several times).
            try (NDManager layer = parent.newSubManager()) {
                NDArray residual = out.residPost().get(l).get(new NDIndex("{}", index)); // (E, t, C)
                residual.attach(layer);
                NDArray logits = gpt.unembed(residual); // (E, t, V)
                NDArray logProbs = logits.logSoftmax(-1);
                topIds.add(keep(logits.argMax(-1).toType(DataType.INT64, false), parent));
                topProbs.add(keep(logProbs.max(new int[] {-1}).exp(), parent));
                if (targets != null) {
                    NDIndex predicting = new NDIndex(":, 0:{}, :", t - 1);
                    NDArray targetLogits = logits.get(predicting); // (E, t−1, V)
                    targetProbs.add(keep(
                            logProbs.get(predicting)
                                    .gather(targets, -1)
                                    .squeeze(-1)
                                    .exp(),
                            parent));
                    // Ranked on the logits: softmax keeps their order, and float probabilities that
                    // underflow to 0 would tie.
                    targetRanks.add(keep(
                            targetLogits
                                    .gt(targetLogits.gather(targets, -1))
                                    .toType(DataType.INT64, false)
                                    .sum(new int[] {-1})
                                    .add(1),
                            parent));
                }
            }
        }
        return new Lens(
                NDArrays.stack(topIds).toLongArray(),
                NDArrays.stack(topProbs).toFloatArray(),
                targets == null ? new float[0] : NDArrays.stack(targetProbs).toFloatArray(),
                targets == null ? new long[0] : NDArrays.stack(targetRanks).toLongArray());
    }

    /** {@code array}, moved to {@code manager} so that it outlives the manager it was made on. */
    private static NDArray keep(NDArray array, NDManager manager) {
        array.attach(manager);
        return array;
    }

    /**
     * The most attention weights ({@code rows · L · H · t²}) one pass over query copies may hold;
     * a pass keeps the patterns, the probes and their gradients, so about three times this many
     * floats: 16 Mi, 192 MB in all.
     */
    static final long COPY_PATTERN_BUDGET = 16L << 20;

    /**
     * {@code grad_rollout} of each sample: one row per query {@code q = 0..T−2}, from forward and
     * backward passes over a copy of the sample per query ({@link Copies}).
     *
     * @param maxRows copies per pass at least (more while they fit the budget)
     * @return per sample {@code [T−1][q+1]}
     */
    private float[][][] gradRollout(List<int[]> samples, int maxRows, NDManager manager) {
        GptConfig config = gpt.config();
        float[][][] rows = new float[samples.size()][][];
        for (int j = 0; j < samples.size(); j++) {
            rows[j] = new float[Math.max(samples.get(j).length - 1, 0)][];
        }
        for (Copies copies : Copies.chunks(samples, maxRows, config, copyBudget)) {
            int n = copies.rows();
            int t = copies.t();
            try (NDManager pass = manager.newSubManager()) {
                List<NDArray> grads = new ArrayList<>(config.nLayer());
                try (GradientScope scope = GradientScope.open(pass)) {
                    List<NDArray> probes = new ArrayList<>(config.nLayer());
                    for (int l = 0; l < config.nLayer(); l++) {
                        NDArray probe = pass.ones(new Shape(n, config.nHead(), t, t));
                        probe.setRequiresGradient(true);
                        probes.add(probe);
                    }
                    NDArray ids = pass.create(copies.ids(), new Shape(n, t));
                    GptOutput out = gpt.forwardWithoutLogits(gpt.embed(ids), null, null, probes, false);
                    // y = Σ_r logits[r, q_r, x_{q_r + 1}], unembedding only position q_r of each row
                    NDArray y = copies.predictionLogits(gpt, out)
                            .gather(pass.create(copies.targets(), new Shape(n, 1)), -1)
                            .sum();
                    scope.backward(y);
                    for (NDArray probe : probes) {
                        grads.add(probe.getGradient());
                    }
                }
                NDArray v = pass.create(copies.oneHot(), new Shape(n, 1, t)); // e_qᵀ per row
                for (int l = config.nLayer() - 1; l >= 0; l--) {
                    NDArray meanPositive = grads.get(l).maximum(0f).mean(new int[] {1}); // (N, t, t)
                    v = v.add(v.matMul(meanPositive));
                }
                float[] raw = v.toFloatArray(); // (N, 1, t)
                double[] row = new double[t];
                for (int r = 0; r < n; r++) {
                    int q = copies.query()[r];
                    for (int k = 0; k < t; k++) {
                        row[k] = raw[r * t + k];
                    }
                    rows[copies.sample()[r]][q] = GradientRollout.normalize(row, q);
                }
            }
        }
        return rows;
    }

    /**
     * Gradient × input of each prediction of one sample: row {@code q} holds {@code (∂ℓ_q/∂e_k)·e_k}
     * for the keys {@code k = 0..q}, with {@code ℓ_q = −ln p(x_{q+1} | x_{≤q})} and {@code e_k} as
     * in SPEC §4. It is SPEC §4's {@code grad_x_input} with the sample's mean loss replaced by the
     * loss of prediction {@code q}, so the mean of the rows (zero beyond {@code q}) over the {@code
     * T − 1} predictions is SPEC §4's {@code grad_x_input}. Forward and backward passes over a copy
     * of the sample per prediction, as {@code grad_rollout}'s.
     *
     * @return {@code [T−1][q+1]}; empty when {@code T < 2}
     */
    float[][] predictionGradXInput(int[] sample, NDManager manager) {
        float[][] rows = new float[Math.max(sample.length - 1, 0)][];
        for (Copies copies : Copies.chunks(List.of(sample), 1, gpt.config(), copyBudget)) {
            int n = copies.rows();
            int t = copies.t();
            try (NDManager pass = manager.newSubManager()) {
                NDArray embeddings;
                NDArray grad;
                try (GradientScope scope = GradientScope.open(pass)) {
                    NDArray ids = pass.create(copies.ids(), new Shape(n, t));
                    embeddings = gpt.embed(ids);
                    embeddings.setRequiresGradient(true);
                    GptOutput out = gpt.forwardWithoutLogits(embeddings, null, null, null, false);
                    NDArray losses = copies.predictionLogits(gpt, out)
                            .logSoftmax(-1)
                            .gather(pass.create(copies.targets(), new Shape(n, 1)), -1)
                            .neg(); // (N, 1): ℓ_{q_r}
                    scope.backward(losses.sum());
                    grad = embeddings.getGradient();
                }
                float[] gradX = grad.mul(embeddings).sum(new int[] {-1}).toFloatArray(); // (N, t)
                for (int r = 0; r < n; r++) {
                    int q = copies.query()[r];
                    rows[q] = new float[q + 1];
                    System.arraycopy(gradX, r * t, rows[q], 0, q + 1);
                }
            }
        }
        return rows;
    }

    /**
     * One pass's copies: row {@code r} is sample {@code sample[r]}'s tokens {@code 0..q_r} (the
     * model is causal, so the prediction at {@code q_r} sees nothing later), right-padded to the
     * pass's longest row {@code t}.
     *
     * @param sample per row, the index of its sample
     * @param query per row, its query {@code q_r}
     * @param ids {@code [N, t]} flattened
     * @param targets per row {@code x_{q_r + 1}}
     */
    private record Copies(int[] sample, int[] query, long[] ids, long[] targets, int t) {

        int rows() {
            return sample.length;
        }

        /**
         * The copies of every query of {@code samples}, in order, split into passes of {@code
         * minRows} rows, or more while their patterns ({@code rows · L · H · t²}) fit {@code
         * budget}; a sample's queries may span passes.
         */
        static List<Copies> chunks(List<int[]> samples, int minRows, GptConfig config, long budget) {
            List<Copies> chunks = new ArrayList<>();
            List<int[]> pending = new ArrayList<>(); // {sample, query}
            int longest = 0;
            for (int j = 0; j < samples.size(); j++) {
                for (int q = 0; q + 1 < samples.get(j).length; q++) {
                    int t = Math.max(longest, q + 1);
                    long weights = (long) (pending.size() + 1) * config.nLayer() * config.nHead() * t * t;
                    if (!pending.isEmpty() && pending.size() >= minRows && weights > budget) {
                        chunks.add(of(samples, pending, longest));
                        pending.clear();
                        t = q + 1;
                    }
                    pending.add(new int[] {j, q});
                    longest = t;
                }
            }
            if (!pending.isEmpty()) {
                chunks.add(of(samples, pending, longest));
            }
            return chunks;
        }

        private static Copies of(List<int[]> samples, List<int[]> rows, int t) {
            int n = rows.size();
            int[] sample = new int[n];
            int[] query = new int[n];
            long[] ids = new long[n * t];
            long[] targets = new long[n];
            for (int r = 0; r < n; r++) {
                int[] tokens = samples.get(rows.get(r)[0]);
                sample[r] = rows.get(r)[0];
                query[r] = rows.get(r)[1];
                for (int p = 0; p <= query[r]; p++) {
                    ids[r * t + p] = tokens[p];
                }
                targets[r] = tokens[query[r] + 1];
            }
            return new Copies(sample, query, ids, targets, t);
        }

        /** {@code [N, t]} one-hot at {@code q_r}: {@code e_qᵀ} per row. */
        float[] oneHot() {
            float[] hot = new float[rows() * t];
            for (int r = 0; r < rows(); r++) {
                hot[r * t + query[r]] = 1;
            }
            return hot;
        }

        /** {@code [N, V]}: each row's logits at its own query, from the last block's output. */
        NDArray predictionLogits(Gpt gpt, GptOutput out) {
            NDArray last = out.residPost().get(out.residPost().size() - 1); // (N, t, C)
            long[] at = new long[rows()];
            for (int r = 0; r < at.length; r++) {
                at[r] = query[r];
            }
            return gpt.unembed(Gpt.atPositions(last, at)); // (N, V)
        }
    }
}
