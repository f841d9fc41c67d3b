package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * One model pass over a batch of samples — forward and, optionally, one backward — giving every
 * sample's {@link SampleResult}. The same code serves {@code inspect} (a batch of one) and the
 * distributed {@code extract}, so their numbers agree by construction.
 *
 * <p>Gradients: the batch's objective is {@code Σ_b L_b}, the sum of each sample's mean loss.
 * Samples do not interact, so one backward pass gives each sample its own ∂L_b/∂e and, through
 * per-sample head gates {@code m [B, L, H]}, its own ∂L_b/∂m (SPEC §4 {@code head_grad}).
 *
 * <p>Threads analyse at once; only their backward calls take turns ({@link GradientScope}).
 * Outside its gradient pass, an analysis records no graph.
 */
public final class Analyzer {

    private final Gpt gpt;
    private final NDManager manager;
    private final int mlpTopK;
    private final boolean gradients;
    private final Explainer explainer;

    /**
     * @param gpt the model; its weights live on {@code manager}'s device
     * @param manager parent of the per-batch managers
     * @param mlpTopK how many MLP neurons to keep per position (≤ F)
     * @param gradients whether to run the backward pass
     */
    public Analyzer(Gpt gpt, NDManager manager, int mlpTopK, boolean gradients) {
        this(gpt, manager, mlpTopK, gradients, Explainer.COPY_PATTERN_BUDGET);
    }

    /** @param copyBudget the most attention weights one of the explanations' copy passes holds */
    Analyzer(Gpt gpt, NDManager manager, int mlpTopK, boolean gradients, long copyBudget) {
        if (mlpTopK < 0 || mlpTopK > gpt.config().dMlp()) {
            throw new IllegalArgumentException(
                    "mlp top-k must be in 0.." + gpt.config().dMlp() + ", got " + mlpTopK);
        }
        this.gpt = gpt;
        this.manager = manager;
        this.mlpTopK = mlpTopK;
        this.gradients = gradients;
        this.explainer = new Explainer(gpt, copyBudget);
    }

    public GptConfig config() {
        return gpt.config();
    }

    /**
     * Analyses {@code batch} (right-padded internally), without explanations. Every sample must
     * have 1..n_positions tokens, all below vocab_size; callers reject other samples before this
     * point.
     */
    public List<SampleResult> analyze(List<int[]> batch) {
        return analyze(batch, new boolean[batch.size()]);
    }

    /**
     * Analyses {@code batch}, with the {@link Explanation} of the samples {@code explain} selects
     * ({@link Explainer}: one more forward and backward pass when any is selected).
     *
     * @param explain per sample of {@code batch}, whether to explain it
     */
    public List<SampleResult> analyze(List<int[]> batch, boolean[] explain) {
        Batch analysed = analyzeBatch(batch, explain);
        List<SampleResult> results = new ArrayList<>(analysed.size());
        for (int i = 0; i < analysed.size(); i++) {
            results.add(analysed.sample(i));
        }
        return results;
    }

    /**
     * {@link #analyze(List, boolean[])}, its results still in the batch's host arrays: {@link
     * Batch#sample} builds each sample's {@link SampleResult}, on any thread, so that a caller can
     * spread that work (about 0.1 s of array copies per 8 GPT-2-small-sized samples) over its
     * cores instead of holding the model's thread with it.
     */
    public Batch analyzeBatch(List<int[]> batch, boolean[] explain) {
        if (explain.length != batch.size()) {
            throw new IllegalArgumentException(explain.length + " explain flags for " + batch.size() + " samples");
        }
        if (batch.isEmpty()) {
            return new Batch();
        }
        GptConfig config = gpt.config();
        int b = batch.size();
        int t = 0;
        for (int[] ids : batch) {
            checkSample(ids, config);
            t = Math.max(t, ids.length);
        }
        long[] padded = new long[b * t];
        float[] lossWeights = new float[b * Math.max(t - 1, 0)];
        for (int i = 0; i < b; i++) {
            int[] ids = batch.get(i);
            for (int j = 0; j < ids.length; j++) {
                padded[i * t + j] = ids[j];
            }
            for (int j = 0; j < ids.length - 1; j++) {
                lossWeights[i * (t - 1) + j] = 1f / (ids.length - 1);
            }
        }
        GradientScope.gradModeOff(manager);
        try (NDManager batchManager = manager.newSubManager()) {
            NDArray ids = batchManager.create(padded, new Shape(b, t));
            if (gradients && t > 1) {
                GptOutput out;
                NDArray losses;
                NDArray embeddingGrad;
                NDArray gateGrad;
                try (GradientScope scope = GradientScope.open(batchManager)) {
                    NDArray embeddings = gpt.embed(ids);
                    embeddings.setRequiresGradient(true);
                    NDArray gates = batchManager.ones(new Shape(b, config.nLayer(), config.nHead()));
                    gates.setRequiresGradient(true);
                    out = gpt.forward(embeddings, gates, false);
                    losses = Gpt.tokenLosses(out.logits(), ids);
                    NDArray objective = losses.mul(batchManager.create(lossWeights, new Shape(b, t - 1)))
                            .sum();
                    scope.backward(objective);
                    embeddingGrad = embeddings.getGradient();
                    gateGrad = gates.getGradient();
                }
                return collect(
                        batch, t, out, losses, embeddingGrad, gateGrad, explainer.explain(batch, ids, out, explain));
            }
            GptOutput out = gpt.forward(ids);
            NDArray losses = t > 1 ? Gpt.tokenLosses(out.logits(), ids) : null;
            return collect(batch, t, out, losses, null, null, explainer.explain(batch, ids, out, explain));
        }
    }

    /**
     * Gradient × input of each of the sample's predictions ({@code inspect --explain}): row {@code
     * q} holds {@code (∂ℓ_q/∂e_k)·e_k} for {@code k = 0..q}, {@code ℓ_q = −ln p(x_{q+1} | x_{≤q})};
     * the mean of the rows over the {@code T − 1} predictions is SPEC §4's {@code grad_x_input}. One
     * forward and one backward pass over {@code T − 1} copies of the sample.
     *
     * @return {@code [T−1][q+1]}; empty when the sample has one token
     */
    public float[][] predictionGradXInput(int[] ids) {
        checkSample(ids, gpt.config());
        GradientScope.gradModeOff(manager);
        return explainer.predictionGradXInput(ids, manager);
    }

    private Batch collect(
            List<int[]> batch,
            int t,
            GptOutput out,
            NDArray losses,
            NDArray embeddingGrad,
            NDArray gateGrad,
            Explanation[] explanations) {
        GptConfig config = gpt.config();
        int b = batch.size();
        int nLayer = config.nLayer();
        int nHead = config.nHead();
        // Patterns are copied per layer: [B, H, T, T] must fit a Java array (B·H·T² < 2^31), which
        // all layers at once would not for long contexts. The per-position quantities are reduced
        // per layer on the device, then stacked ([L, …]) and copied once each: per call, not per
        // byte, is their cost, and only the reduced arrays are stacked.
        float[][] patternData = new float[nLayer][];
        NDList residNorms = new NDList(nLayer);
        NDList topValueList = new NDList(nLayer);
        NDList topIdList = new NDList(nLayer);
        for (int l = 0; l < nLayer; l++) {
            patternData[l] = out.patterns().get(l).toFloatArray(); // [B, H, T, T]
            residNorms.add(out.residPost().get(l).norm(new int[] {-1})); // [B, T]
            if (mlpTopK > 0) {
                NDList top = out.mlpPost().get(l).topK(mlpTopK, -1, true, true); // [B, T, K] each
                topValueList.add(top.get(0));
                topIdList.add(top.get(1));
            }
        }
        float[] residNormData = NDArrays.stack(residNorms).toFloatArray(); // [L, B, T]
        float[] topValues = null;
        long[] topIds = null;
        if (mlpTopK > 0) {
            topValues = NDArrays.stack(topValueList).toFloatArray(); // [L, B, T, K]
            topIds = NDArrays.stack(topIdList).toType(DataType.INT64, false).toLongArray();
        }
        float[] lossData = losses == null ? new float[0] : losses.toFloatArray();
        float[] gradNormData = null;
        float[] gradXData = null;
        float[] gateData = null;
        if (embeddingGrad != null) {
            gradNormData = embeddingGrad.norm(new int[] {-1}).toFloatArray();
            gradXData = embeddingGrad.mul(out.embeddings()).sum(new int[] {-1}).toFloatArray();
            gateData = gateGrad.toFloatArray();
        }
        float[] outputNormData = headOutputNorms(out); // [L, B, H, T]
        // The next-token prediction is kept for the last position only: softmax over [B, V], not [B, T, V].
        long[] last = new long[b];
        for (int i = 0; i < b; i++) {
            last[i] = batch.get(i).length - 1;
        }
        NDArray lastProbs = Gpt.atPositions(out.logits(), last).softmax(-1); // [B, V]
        float[] maxProb = lastProbs.max(new int[] {-1}).toFloatArray();
        long[] argMax = lastProbs.argMax(-1).toType(DataType.INT64, false).toLongArray();

        return new Batch(
                batch,
                t,
                patternData,
                residNormData,
                topValues,
                topIds,
                lossData,
                gradNormData,
                gradXData,
                gateData,
                outputNormData,
                argMax,
                maxProb,
                explanations);
    }

    /**
     * {@code ‖z_{l,h}[t]·W_O^h‖₂} for every layer, sample, head and position.
     *
     * @return {@code [L, B, H, T]}
     */
    private float[] headOutputNorms(GptOutput out) {
        NDList norms = new NDList(gpt.config().nLayer());
        for (int l = 0; l < gpt.config().nLayer(); l++) {
            norms.add(gpt.headOutputNorms(l, out.z().get(l))); // (B, H, T)
        }
        return NDArrays.stack(norms).toFloatArray();
    }

    /**
     * One batch's results in host arrays, as {@link #analyzeBatch} copied them from the device
     * (patterns per layer {@code [B, H, T, T]}; the per-position quantities {@code [L, B, T, …]}).
     * Immutable once built; {@link #sample} may run on several threads at once.
     */
    public final class Batch {
        private final List<int[]> batch;
        private final int t;
        private final float[][] patternData;
        private final float[] residNormData;
        private final float[] topValues;
        private final long[] topIds;
        private final float[] lossData;
        private final float[] gradNormData;
        private final float[] gradXData;
        private final float[] gateData;
        private final float[] outputNormData;
        private final long[] argMax;
        private final float[] maxProb;
        private final Explanation[] explanations;

        private Batch(
                List<int[]> batch,
                int t,
                float[][] patternData,
                float[] residNormData,
                float[] topValues,
                long[] topIds,
                float[] lossData,
                float[] gradNormData,
                float[] gradXData,
                float[] gateData,
                float[] outputNormData,
                long[] argMax,
                float[] maxProb,
                Explanation[] explanations) {
            this.batch = batch;
            this.t = t;
            this.patternData = patternData;
            this.residNormData = residNormData;
            this.topValues = topValues;
            this.topIds = topIds;
            this.lossData = lossData;
            this.gradNormData = gradNormData;
            this.gradXData = gradXData;
            this.gateData = gateData;
            this.outputNormData = outputNormData;
            this.argMax = argMax;
            this.maxProb = maxProb;
            this.explanations = explanations;
        }

        /** An empty batch. */
        private Batch() {
            this(List.of(), 0, null, null, null, null, null, null, null, null, null, null, null, null);
        }

        public int size() {
            return batch.size();
        }

        /** Sample {@code i}'s result, its arrays copied out of the batch's. */
        public SampleResult sample(int i) {
            int b = batch.size();
            int nLayer = gpt.config().nLayer();
            int nHead = gpt.config().nHead();
            int[] ids = batch.get(i);
            int n = ids.length;
            float[][][][] patterns = new float[nLayer][nHead][n][];
            float[][] residNorm = new float[nLayer][n];
            int[][][] mlpIds = new int[nLayer][n][mlpTopK];
            float[][][] mlpValues = new float[nLayer][n][mlpTopK];
            for (int l = 0; l < nLayer; l++) {
                for (int h = 0; h < nHead; h++) {
                    int base = (i * nHead + h) * t * t;
                    for (int q = 0; q < n; q++) {
                        float[] row = new float[q + 1];
                        System.arraycopy(patternData[l], base + q * t, row, 0, q + 1);
                        patterns[l][h][q] = row;
                    }
                }
                System.arraycopy(residNormData, (l * b + i) * t, residNorm[l], 0, n);
                for (int q = 0; q < n && mlpTopK > 0; q++) {
                    int base = ((l * b + i) * t + q) * mlpTopK;
                    for (int k = 0; k < mlpTopK; k++) {
                        mlpIds[l][q][k] = (int) topIds[base + k];
                        mlpValues[l][q][k] = topValues[base + k];
                    }
                }
            }
            float[] loss = new float[Math.max(n - 1, 0)];
            if (n > 1) {
                System.arraycopy(lossData, i * (t - 1), loss, 0, n - 1);
            }
            double mean = 0;
            for (float x : loss) {
                mean += x;
            }
            mean = n > 1 ? mean / (n - 1) : Double.NaN;
            float[] gradNorm = null;
            float[] gradX = null;
            float[][] headGrad = null;
            if (gradNormData != null && n > 1) {
                gradNorm = new float[n];
                gradX = new float[n];
                System.arraycopy(gradNormData, i * t, gradNorm, 0, n);
                System.arraycopy(gradXData, i * t, gradX, 0, n);
                headGrad = new float[nLayer][nHead];
                for (int l = 0; l < nLayer; l++) {
                    System.arraycopy(gateData, (i * nLayer + l) * nHead, headGrad[l], 0, nHead);
                }
            }
            float[][] outputNorm = new float[nLayer][nHead];
            for (int l = 0; l < nLayer; l++) {
                for (int h = 0; h < nHead; h++) {
                    int base = ((l * b + i) * nHead + h) * t;
                    double sum = 0;
                    for (int q = 1; q < n; q++) {
                        sum += outputNormData[base + q];
                    }
                    outputNorm[l][h] = n > 1 ? (float) (sum / (n - 1)) : 0f;
                }
            }
            return new SampleResult(
                    ids,
                    patterns,
                    loss,
                    mean,
                    gradNorm,
                    gradX,
                    headGrad,
                    residNorm,
                    mlpIds,
                    mlpValues,
                    outputNorm,
                    (int) argMax[i],
                    maxProb[i],
                    explanations[i]);
        }
    }

    private static void checkSample(int[] ids, GptConfig config) {
        String problem = config.sampleProblem(ids);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
    }
}
