package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.Serializable;
import java.util.List;

/**
 * Runs many interventions (SPEC §5) on the same samples as one batch: {@code K} interventions of
 * {@code B} samples are one forward pass of {@code K·B} rows ({@link HeadEdits}), at most {@code
 * maxRows} rows at a time. Also the first pass of mean ablation: each head's {@code z} summed over
 * every position ({@link ZSum}).
 *
 * <p>Samples are right-padded internally; every sample must have 1..n_positions tokens, all below
 * vocab_size (callers reject other samples before this point). Records no gradient graph.
 */
public final class InterventionPass {

    private final Gpt gpt;
    private final NDManager manager;
    private final int maxRows;

    /**
     * @param manager parent of the per-batch managers, on the weights' device
     * @param maxRows the most rows (intervention × sample) of one forward pass, ≥ 1; a batch of
     *     more samples than this still runs one intervention at a time
     */
    public InterventionPass(Gpt gpt, NDManager manager, int maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be ≥ 1, got " + maxRows);
        }
        this.gpt = gpt;
        this.manager = manager;
        this.maxRows = maxRows;
    }

    /**
     * The most attention weights one pass may hold, {@code rows · L · H · T²}: 16 Mi floats, 64 MB,
     * as for explanations' copies ({@code Explainer}). The forward pass keeps every block's arrays
     * until the pass ends, about 35 times its patterns: at 64 Mi weights (28 rows of 128 tokens on a
     * GPT-2-small-sized model) a pass held ~9 GB, and the job's JVM reached 11.0 GB resident
     * (bench/ablate-results.md, 2026-12-07 18:53 UTC); 16 Mi weights is 7 such rows.
     */
    public static final long PATTERN_BUDGET = 16L << 20;

    /**
     * The rows of {@code length} tokens whose patterns fit {@link #PATTERN_BUDGET}, at least 1 and
     * at most {@code cap}.
     */
    public static int rowsWithinBudget(GptConfig config, int length, int cap) {
        long perRow = (long) config.nLayer() * config.nHead() * length * length;
        return (int) Math.max(1, Math.min(cap, PATTERN_BUDGET / Math.max(perRow, 1)));
    }

    /**
     * Next-token losses of every sample under every intervention.
     *
     * @param zMean {@code [L][H][D]} each head's {@code z̄} ({@link ZSum#mean}); needed when an
     *     intervention has a {@code mean} edit, else may be null
     * @return {@code [K][B][T_b − 1]}: {@code −ln p(x_{t+1} | x_{≤t})} of sample {@code b} under
     *     intervention {@code k}
     */
    public float[][][] tokenLosses(List<int[]> batch, List<Intervention> interventions, float[][][] zMean) {
        int k = interventions.size();
        int b = batch.size();
        float[][][] losses = new float[k][b][];
        int perPass = Math.max(1, maxRows / Math.max(b, 1));
        for (int from = 0; from < k; from += perPass) {
            int to = Math.min(k, from + perPass);
            float[][][] part = tokenLossesOnce(batch, interventions.subList(from, to), zMean);
            System.arraycopy(part, 0, losses, from, to - from);
        }
        return losses;
    }

    /**
     * What one text gives under each intervention, for {@code inspect}.
     *
     * @param loss {@code [T − 1]} next-token losses
     * @param patterns {@code [L][H][T][q + 1]} the patterns after the intervention, row {@code q}
     *     over keys {@code 0..q}
     * @param nextTokenId the most probable token after the text
     * @param nextTokenProb its probability
     */
    public record Outcome(float[] loss, float[][][][] patterns, int nextTokenId, float nextTokenProb) {}

    /**
     * One text under every intervention, as one forward pass of one row per distinct intervention
     * (those that change nothing share the model's own row, as in {@link #tokenLosses}).
     */
    public List<Outcome> outcomes(int[] ids, List<Intervention> all, float[][][] zMean) {
        List<Intervention> distinct = new java.util.ArrayList<>();
        int[] row = distinctRows(all, distinct);
        List<Outcome> outcomes = distinctOutcomes(ids, distinct, zMean);
        List<Outcome> result = new java.util.ArrayList<>(all.size());
        for (int index : row) {
            result.add(outcomes.get(index));
        }
        return result;
    }

    private List<Outcome> distinctOutcomes(int[] ids, List<Intervention> interventions, float[][][] zMean) {
        GptConfig config = gpt.config();
        int k = interventions.size();
        int t = ids.length;
        List<Outcome> outcomes = new java.util.ArrayList<>(k);
        GradientScope.gradModeOff(manager);
        try (NDManager batchManager = manager.newSubManager()) {
            NDArray rows = padded(List.of(ids), t, batchManager).tile(new long[] {k, 1}); // (K, T)
            HeadEdits edits = HeadEdits.of(interventions, 1, config, zMean, batchManager);
            GptOutput out = gpt.forward(gpt.embed(rows), null, edits, false);
            float[] losses = t > 1 ? Gpt.tokenLosses(out.logits(), rows).toFloatArray() : new float[0];
            NDArray last = out.logits()
                    .get(new ai.djl.ndarray.index.NDIndex(":, {}, :", t - 1))
                    .softmax(-1); // (K, V)
            float[] best = last.max(new int[] {-1}).toFloatArray();
            long[] bestId = last.argMax(-1)
                    .toType(ai.djl.ndarray.types.DataType.INT64, false)
                    .toLongArray();
            float[][] patternData = new float[config.nLayer()][];
            for (int l = 0; l < config.nLayer(); l++) {
                patternData[l] = out.patterns().get(l).toFloatArray(); // (K, H, T, T)
            }
            for (int i = 0; i < k; i++) {
                float[][][][] patterns = new float[config.nLayer()][config.nHead()][t][];
                for (int l = 0; l < config.nLayer(); l++) {
                    for (int h = 0; h < config.nHead(); h++) {
                        for (int q = 0; q < t; q++) {
                            patterns[l][h][q] = new float[q + 1];
                            System.arraycopy(
                                    patternData[l],
                                    ((i * config.nHead() + h) * t + q) * t,
                                    patterns[l][h][q],
                                    0,
                                    q + 1);
                        }
                    }
                }
                float[] loss = new float[Math.max(t - 1, 0)];
                System.arraycopy(losses, i * loss.length, loss, 0, loss.length);
                outcomes.add(new Outcome(loss, patterns, (int) bestId[i], best[i]));
            }
        }
        return outcomes;
    }

    /** Mean over positions {@code t = 0..T−2} of a sample's token losses; NaN when {@code T < 2}. */
    public static double meanLoss(float[] tokenLosses) {
        double sum = 0;
        for (float loss : tokenLosses) {
            sum += loss;
        }
        return tokenLosses.length == 0 ? Double.NaN : sum / tokenLosses.length;
    }

    /**
     * Runs each distinct intervention once: every one that {@link Intervention#changesNothing()}
     * shares one row with the model itself, and repeats share a row, so their Δ is exactly 0 rather
     * than the rounding difference between two rows of one batch.
     */
    private float[][][] tokenLossesOnce(List<int[]> batch, List<Intervention> interventions, float[][][] zMean) {
        List<Intervention> distinct = new java.util.ArrayList<>();
        int[] row = distinctRows(interventions, distinct);
        float[][][] losses = distinctTokenLosses(batch, distinct, zMean);
        float[][][] all = new float[interventions.size()][][];
        for (int i = 0; i < all.length; i++) {
            all[i] = losses[row[i]];
        }
        return all;
    }

    /** Fills {@code distinct} and returns, per intervention, its index there. */
    private static int[] distinctRows(List<Intervention> interventions, List<Intervention> distinct) {
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        int[] row = new int[interventions.size()];
        for (int i = 0; i < row.length; i++) {
            Intervention intervention = interventions.get(i);
            Intervention effective = intervention.changesNothing() ? Intervention.none() : intervention;
            Integer index = seen.get(effective.text());
            if (index == null) {
                index = distinct.size();
                seen.put(effective.text(), index);
                distinct.add(effective);
            }
            row[i] = index;
        }
        return row;
    }

    private float[][][] distinctTokenLosses(List<int[]> batch, List<Intervention> interventions, float[][][] zMean) {
        int k = interventions.size();
        int b = batch.size();
        int t = maxLength(batch);
        float[][][] losses = new float[k][b][];
        if (t < 2) {
            for (float[][] row : losses) {
                java.util.Arrays.fill(row, new float[0]);
            }
            return losses;
        }
        GradientScope.gradModeOff(manager);
        float[] data;
        try (NDManager batchManager = manager.newSubManager()) {
            NDArray ids = padded(batch, t, batchManager);
            NDArray rows = ids.tile(new long[] {k, 1}); // (K·B, T), row k·B + b
            HeadEdits edits = HeadEdits.of(interventions, b, gpt.config(), zMean, batchManager);
            GptOutput out = gpt.forward(gpt.embed(rows), null, edits, false);
            data = Gpt.tokenLosses(out.logits(), rows).toFloatArray(); // (K·B, T−1)
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < b; j++) {
                int n = batch.get(j).length - 1;
                losses[i][j] = new float[Math.max(n, 0)];
                System.arraycopy(data, (i * b + j) * (t - 1), losses[i][j], 0, Math.max(n, 0));
            }
        }
        return losses;
    }

    /**
     * {@code head_grad} of every sample (SPEC §4): {@code ∂L_b/∂m_{l,h}} at gates 1, from one
     * backward pass of the batch's {@code Σ_b L_b}; its negation is the first-order estimate of
     * zero-ablating the head. Samples with {@code T < 2} get zeros.
     *
     * @return {@code [B][L][H]}
     */
    public float[][][] headGrad(List<int[]> batch) {
        GptConfig config = gpt.config();
        int nLayer = config.nLayer();
        int nHead = config.nHead();
        int b = batch.size();
        int t = maxLength(batch);
        float[][][] grads = new float[b][nLayer][nHead];
        if (t < 2) {
            return grads;
        }
        float[] weights = new float[b * (t - 1)];
        for (int j = 0; j < b; j++) {
            int n = batch.get(j).length - 1;
            java.util.Arrays.fill(weights, j * (t - 1), j * (t - 1) + n, 1f / Math.max(n, 1));
        }
        float[] data;
        try (NDManager batchManager = manager.newSubManager()) {
            NDArray ids = padded(batch, t, batchManager);
            try (GradientScope scope = GradientScope.open(batchManager)) {
                NDArray gates = batchManager.ones(new Shape(b, nLayer, nHead));
                gates.setRequiresGradient(true);
                GptOutput out = gpt.forward(gpt.embed(ids), gates, false);
                NDArray objective = Gpt.tokenLosses(out.logits(), ids)
                        .mul(batchManager.create(weights, new Shape(b, t - 1)))
                        .sum();
                scope.backward(objective);
                data = gates.getGradient().toFloatArray();
            }
        }
        GradientScope.gradModeOff(manager);
        for (int j = 0; j < b; j++) {
            for (int l = 0; l < nLayer; l++) {
                System.arraycopy(data, (j * nLayer + l) * nHead, grads[j][l], 0, nHead);
            }
        }
        return grads;
    }

    /** Each head's {@code z} of the model itself, summed over every position of {@code batch}. */
    public ZSum zSum(List<int[]> batch) {
        GptConfig config = gpt.config();
        int nLayer = config.nLayer();
        int nHead = config.nHead();
        int d = config.dHead();
        int b = batch.size();
        int t = maxLength(batch);
        double[][][] sum = new double[nLayer][nHead][d];
        long positions = 0;
        if (b == 0) {
            return new ZSum(sum, 0);
        }
        float[] mask = new float[b * t];
        for (int j = 0; j < b; j++) {
            java.util.Arrays.fill(mask, j * t, j * t + batch.get(j).length, 1f);
            positions += batch.get(j).length;
        }
        GradientScope.gradModeOff(manager);
        try (NDManager batchManager = manager.newSubManager()) {
            GptOutput out = gpt.forward(padded(batch, t, batchManager));
            NDArray valid = batchManager.create(mask, new Shape(b, 1, t, 1));
            for (int l = 0; l < nLayer; l++) {
                float[] layer = out.z().get(l).mul(valid).sum(new int[] {0, 2}).toFloatArray(); // (H, D)
                for (int h = 0; h < nHead; h++) {
                    for (int i = 0; i < d; i++) {
                        sum[l][h][i] = layer[h * d + i];
                    }
                }
            }
        }
        return new ZSum(sum, positions);
    }

    private static int maxLength(List<int[]> batch) {
        int t = 0;
        for (int[] ids : batch) {
            t = Math.max(t, ids.length);
        }
        return t;
    }

    private static NDArray padded(List<int[]> batch, int t, NDManager batchManager) {
        long[] padded = new long[batch.size() * t];
        for (int j = 0; j < batch.size(); j++) {
            int[] ids = batch.get(j);
            for (int i = 0; i < ids.length; i++) {
                padded[j * t + i] = ids[i];
            }
        }
        return batchManager.create(padded, new Shape(batch.size(), t));
    }

    /**
     * Each head's {@code z} summed over positions, and how many positions: the pieces of {@code z̄}
     * that add up across batches and tasks.
     *
     * @param sum {@code [L][H][D]}
     * @param positions the number of positions summed
     */
    public record ZSum(double[][][] sum, long positions) implements Serializable {

        private static final long serialVersionUID = 1L;

        public ZSum plus(ZSum other) {
            double[][][] total = new double[sum.length][][];
            for (int l = 0; l < sum.length; l++) {
                total[l] = new double[sum[l].length][];
                for (int h = 0; h < sum[l].length; h++) {
                    total[l][h] = sum[l][h].clone();
                    for (int i = 0; i < total[l][h].length; i++) {
                        total[l][h][i] += other.sum[l][h][i];
                    }
                }
            }
            return new ZSum(total, positions + other.positions);
        }

        /** {@code z̄ [L][H][D]}: the sum divided by the number of positions. */
        public float[][][] mean() {
            if (positions == 0) {
                throw new IllegalStateException("z̄ of no positions");
            }
            float[][][] mean = new float[sum.length][][];
            for (int l = 0; l < sum.length; l++) {
                mean[l] = new float[sum[l].length][];
                for (int h = 0; h < sum[l].length; h++) {
                    mean[l][h] = new float[sum[l][h].length];
                    for (int i = 0; i < sum[l][h].length; i++) {
                        mean[l][h][i] = (float) (sum[l][h][i] / positions);
                    }
                }
            }
            return mean;
        }
    }
}
