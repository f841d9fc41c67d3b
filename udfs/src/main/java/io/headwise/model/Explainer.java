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

    Explainer(Gpt gpt) {
        this.gpt = gpt;
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
        float[][][] gradRollout = new float[e][][];
        // At most b copies (rows of ≤ t tokens) per pass, or one sample's T − 1 when they alone are
        // more: the extra pass then holds about as many activations as the batch's own.
        for (int from = 0, to; from < e; from = to) {
            int rows = Math.max(explained.get(from).length - 1, 0);
            for (to = from + 1; to < e && rows + explained.get(to).length - 1 <= b; to++) {
                rows += explained.get(to).length - 1;
            }
            float[][][] chunk = gradRollout(explained.subList(from, to), manager);
            System.arraycopy(chunk, 0, gradRollout, from, chunk.length);
        }
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
            // (E, H, t, D) · (H, D, C) → (E, H, t, C)
            norms.add(v.matMul(gpt.headOutputWeights(l, index.getManager())).norm(new int[] {-1}));
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
        for (int l = 0; l < nLayer; l++) {
            NDArray logits = gpt.unembed(out.residPost().get(l).get(new NDIndex("{}", index))); // (E, t, V)
            NDArray logProbs = logits.logSoftmax(-1);
            topIds.add(logits.argMax(-1).toType(DataType.INT64, false));
            topProbs.add(logProbs.max(new int[] {-1}).exp());
            if (targets != null) {
                NDIndex predicting = new NDIndex(":, 0:{}, :", t - 1);
                NDArray targetLogits = logits.get(predicting); // (E, t−1, V)
                targetProbs.add(
                        logProbs.get(predicting).gather(targets, -1).squeeze(-1).exp());
                // Ranked on the logits: softmax keeps their order, and float probabilities that
                // underflow to 0 would tie.
                targetRanks.add(targetLogits
                        .gt(targetLogits.gather(targets, -1))
                        .toType(DataType.INT64, false)
                        .sum(new int[] {-1})
                        .add(1));
            }
        }
        return new Lens(
                NDArrays.stack(topIds).toLongArray(),
                NDArrays.stack(topProbs).toFloatArray(),
                targets == null ? new float[0] : NDArrays.stack(targetProbs).toFloatArray(),
                targets == null ? new long[0] : NDArrays.stack(targetRanks).toLongArray());
    }

    /**
     * {@code grad_rollout} of each sample: one row per query {@code q = 0..T−2}, from one forward
     * and one backward pass over a copy of the sample per query.
     *
     * @return per sample {@code [T−1][q+1]}
     */
    private float[][][] gradRollout(List<int[]> samples, NDManager manager) {
        GptConfig config = gpt.config();
        float[][][] rows = new float[samples.size()][][];
        int n = 0;
        int t = 0;
        for (int j = 0; j < samples.size(); j++) {
            int length = samples.get(j).length;
            rows[j] = new float[Math.max(length - 1, 0)][];
            n += Math.max(length - 1, 0);
            t = Math.max(t, length);
        }
        if (n == 0) {
            return rows;
        }
        Copies copies = Copies.of(samples, n, t);
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
                GptOutput out = gpt.forward(gpt.embed(ids), null, probes, false);
                // y = Σ_r logits[r, q_r, x_{q_r + 1}]
                NDArray y = out.logits()
                        .gather(pass.create(copies.targets(), new Shape(n, t, 1)), -1)
                        .squeeze(-1)
                        .mul(pass.create(copies.picked(), new Shape(n, t)))
                        .sum();
                scope.backward(y);
                for (NDArray probe : probes) {
                    grads.add(probe.getGradient());
                }
            }
            NDArray v = pass.create(copies.picked(), new Shape(n, 1, t)); // e_qᵀ per row
            for (int l = config.nLayer() - 1; l >= 0; l--) {
                NDArray meanPositive = grads.get(l).maximum(0f).mean(new int[] {1}); // (N, t, t)
                v = v.add(v.matMul(meanPositive));
            }
            float[] raw = v.toFloatArray(); // (N, 1, t)
            int r = 0;
            double[] row = new double[t];
            for (int j = 0; j < samples.size(); j++) {
                for (int q = 0; q < rows[j].length; q++, r++) {
                    for (int k = 0; k < t; k++) {
                        row[k] = raw[r * t + k];
                    }
                    rows[j][q] = GradientRollout.normalize(row, q);
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
     * T − 1} predictions is SPEC §4's {@code grad_x_input}. One forward and one backward pass over
     * a copy of the sample per prediction, as {@code grad_rollout}'s.
     *
     * @return {@code [T−1][q+1]}; empty when {@code T < 2}
     */
    float[][] predictionGradXInput(int[] sample, NDManager manager) {
        int t = sample.length;
        int n = Math.max(t - 1, 0);
        float[][] rows = new float[n][];
        if (n == 0) {
            return rows;
        }
        Copies copies = Copies.of(List.of(sample), n, t);
        try (NDManager pass = manager.newSubManager()) {
            NDArray embeddings;
            NDArray grad;
            try (GradientScope scope = GradientScope.open(pass)) {
                NDArray ids = pass.create(copies.ids(), new Shape(n, t));
                embeddings = gpt.embed(ids);
                embeddings.setRequiresGradient(true);
                NDArray losses =
                        Gpt.tokenLosses(gpt.forward(embeddings, null, false).logits(), ids); // (N, t−1)
                // The one-hot at q_r picks ℓ_{q_r} (q_r ≤ t − 2, so the last column is never picked).
                NDArray picked = pass.create(copies.picked(), new Shape(n, t)).get(new NDIndex(":, 0:{}", t - 1));
                scope.backward(losses.mul(picked).sum());
                grad = embeddings.getGradient();
            }
            float[] gradX = grad.mul(embeddings).sum(new int[] {-1}).toFloatArray(); // (N, t)
            for (int q = 0; q < n; q++) {
                rows[q] = new float[q + 1];
                System.arraycopy(gradX, q * t, rows[q], 0, q + 1);
            }
        }
        return rows;
    }

    /**
     * A copy of each sample per query {@code q = 0..T−2}, right-padded to {@code t}, one row each
     * ({@code [N, t]} flattened).
     *
     * @param ids the copies' token ids
     * @param targets {@code x_{q+1}} at column {@code q} of each row, 0 elsewhere
     * @param picked one-hot at column {@code q} of each row: picks the row's prediction, and is
     *     {@code e_qᵀ}
     */
    private record Copies(long[] ids, long[] targets, float[] picked) {

        /**
         * @param n {@code Σ (T_s − 1)}, the rows
         * @param t the longest sample
         */
        static Copies of(List<int[]> samples, int n, int t) {
            long[] ids = new long[n * t];
            long[] targets = new long[n * t];
            float[] picked = new float[n * t];
            int r = 0;
            for (int[] sample : samples) {
                for (int q = 0; q + 1 < sample.length; q++, r++) {
                    for (int p = 0; p < sample.length; p++) {
                        ids[r * t + p] = sample[p];
                    }
                    targets[r * t + q] = sample[q + 1];
                    picked[r * t + q] = 1;
                }
            }
            return new Copies(ids, targets, picked);
        }
    }
}
