package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.norm.Dropout;
import ai.djl.nn.norm.LayerNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * The GPT-2 forward pass (Radford et al. 2019), Hugging Face semantics, in one page.
 *
 * <pre>
 *   x = wte[ids] + wpe[0..T)                                   (B, T, C)
 *   for each block l:
 *     x = x + attn(ln_1(x))      attn: causal softmax(q·kᵀ/√D)·v, heads gated by m[l, h]
 *     x = x + mlp(ln_2(x))       mlp: gelu_new(x·W_fc + b_fc)·W_proj + b_proj
 *   logits = ln_f(x) · lm_headᵀ                                (B, T, V)
 * </pre>
 *
 * <p>√D is GPT-2's divisor and gelu_new its activation; a config may change either as Hugging
 * Face's does ({@link GptConfig#attentionDivisor}, {@link MlpActivation}).
 *
 * <p>Batches are right-padded: with causal attention nothing at a position depends on a later
 * one, so a sample's numbers do not depend on what else is in its batch. Pass ids of any value
 * below V as padding and ignore the outputs past each sample's length.
 *
 * <p>Every array created here belongs to the manager of the input; close that manager (or a
 * sub-manager the input was created in) to free a batch.
 */
public final class Gpt {

    private final GptWeights weights;
    private final GptConfig config;
    private final float dropout;

    /** An inference model (no dropout). */
    public Gpt(GptWeights weights) {
        this(weights, 0f);
    }

    /** A model whose {@link #forward} drops with probability {@code dropout} when training. */
    public Gpt(GptWeights weights, float dropout) {
        this.weights = weights;
        this.config = weights.config();
        this.dropout = dropout;
    }

    public GptConfig config() {
        return config;
    }

    public GptWeights weights() {
        return weights;
    }

    /**
     * {@code e = wte[ids] + wpe[0..T)}, the input to block 0.
     *
     * @param ids {@code [B, T]} int64 token ids
     * @return {@code [B, T, C]}
     */
    public NDArray embed(NDArray ids) {
        long t = ids.getShape().get(1);
        // Results of ops called on a weight attach to the weights' manager: move them to the
        // batch's, or every batch would leak into the model's lifetime.
        NDArray tokens = weights.get("wte.weight").get(new NDIndex("{}", ids));
        tokens.attach(ids.getManager());
        NDArray positions = weights.get("wpe.weight").get(new NDIndex("0:{}", t));
        positions.attach(ids.getManager());
        return tokens.add(positions);
    }

    /** Inference from token ids: {@code forward(embed(ids), null, false)}. */
    public GptOutput forward(NDArray ids) {
        return forward(embed(ids), null, false);
    }

    /**
     * The forward pass from input embeddings, which may be a gradient leaf.
     *
     * @param embeddings {@code [B, T, C]}, see {@link #embed}
     * @param gates {@code [B, L, H]} per-sample multipliers of each head's output {@code z = A·V}
     *     (Michel et al. 2019; Hugging Face's {@code head_mask}), or null for all ones
     * @param training whether to apply dropout
     */
    public GptOutput forward(NDArray embeddings, NDArray gates, boolean training) {
        return forward(embeddings, gates, null, null, training);
    }

    /**
     * The forward pass with interventions (SPEC §5): {@code edits} merge patterns, then scale or
     * replace each head's {@code z} before the gates multiply it. {@link GptOutput#patterns} and
     * {@link GptOutput#z} are the intervened ones.
     *
     * @param embeddings {@code [B, T, C]}; to run K interventions on the same samples, B = K·B'
     *     rows in {@link HeadEdits}' order ({@code embeddings.tile(K, 1, 1)})
     * @param gates {@code [B, L, H]} or null, as in {@link #forward(NDArray, NDArray, boolean)}
     * @param edits for the B rows, or null for none
     */
    public GptOutput forward(NDArray embeddings, NDArray gates, HeadEdits edits, boolean training) {
        return forward(embeddings, gates, edits, null, training);
    }

    /**
     * The forward pass with each pattern multiplied, where it meets the values, by a probe: with
     * probes of ones that are gradient leaves, {@code ∂y/∂probe = ∂y/∂A ⊙ A} for any output
     * {@code y}, and the pass computes what it computes without them.
     *
     * @param patternProbes per layer {@code [B, H, T, T]}, or null for none
     */
    public GptOutput forward(NDArray embeddings, NDArray gates, List<NDArray> patternProbes, boolean training) {
        return forward(embeddings, gates, null, patternProbes, training);
    }

    /**
     * The forward pass with interventions ({@code edits}, or null) and pattern probes ({@code
     * patternProbes}, or null), as the two methods above describe.
     */
    public GptOutput forward(
            NDArray embeddings, NDArray gates, HeadEdits edits, List<NDArray> patternProbes, boolean training) {
        return forward(embeddings, gates, edits, patternProbes, training, true);
    }

    /**
     * {@link #forward(NDArray, NDArray, HeadEdits, List, boolean)} without the unembedding: its
     * {@link GptOutput#logits()} is null, for callers that need the logits of a few positions only
     * ({@link #unembed} of those positions of the last {@link GptOutput#residPost()}), which spares
     * the {@code [B, T, V]} product.
     */
    public GptOutput forwardWithoutLogits(
            NDArray embeddings, NDArray gates, HeadEdits edits, List<NDArray> patternProbes, boolean training) {
        return forward(embeddings, gates, edits, patternProbes, training, false);
    }

    private GptOutput forward(
            NDArray embeddings,
            NDArray gates,
            HeadEdits edits,
            List<NDArray> patternProbes,
            boolean training,
            boolean logits) {
        NDManager manager = embeddings.getManager();
        Shape shape = embeddings.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        if (t > config.nPositions()) {
            throw new IllegalArgumentException(
                    "sequence of " + t + " positions exceeds n_positions " + config.nPositions());
        }
        if (edits != null && edits.rows() != b) {
            throw new IllegalArgumentException("edits for " + edits.rows() + " rows, a batch of " + b);
        }
        NDArray causalMask = causalMask(manager, t);
        NDArray x = drop(embeddings, training);
        List<NDArray> patterns = new ArrayList<>(config.nLayer());
        List<NDArray> residPost = new ArrayList<>(config.nLayer());
        List<NDArray> mlpPost = new ArrayList<>(config.nLayer());
        List<NDArray> z = new ArrayList<>(config.nLayer());
        List<NDArray> v = new ArrayList<>(config.nLayer());
        for (int l = 0; l < config.nLayer(); l++) {
            NDArray layerGates = gates == null ? null : gates.get(new NDIndex(":, {}, :", l));
            NDArray probe = patternProbes == null ? null : patternProbes.get(l);
            x = x.add(attention(
                    l, layerNorm(x, l, "ln_1"), causalMask, layerGates, edits, probe, patterns, z, v, training));
            NDArray hidden = config.activation().apply(linear(layerNorm(x, l, "ln_2"), l, "mlp.c_fc"));
            mlpPost.add(hidden);
            x = x.add(drop(linear(hidden, l, "mlp.c_proj"), training));
            residPost.add(x);
        }
        return new GptOutput(embeddings, logits ? unembed(x) : null, patterns, residPost, mlpPost, z, v);
    }

    /**
     * {@code ln_f(x)·W_Uᵀ}: the logits of a residual stream. On the last block's output these are
     * the model's logits; on an earlier block's, its logit lens (nostalgebraist 2020).
     *
     * @param x {@code […, C]}
     * @return {@code […, V]}, on {@code x}'s manager
     */
    public NDArray unembed(NDArray x) {
        NDArray finalNorm = LayerNorm.layerNorm(
                        x, new Shape(config.nEmbd()), weights.get("ln_f.weight"), weights.get("ln_f.bias"), (float)
                                config.layerNormEpsilon())
                .singletonOrThrow();
        NDArray lmHeadT = weights.lmHead().transpose();
        lmHeadT.attach(x.getManager());
        return finalNorm.matMul(lmHeadT);
    }

    /**
     * Next-token cross-entropy at every position but the last.
     *
     * @param logits {@code [B, T, V]}
     * @param ids {@code [B, T]} int64
     * @return {@code [B, T-1]}: {@code −ln p(ids[:, t+1] | ids[:, ≤t])}
     */
    public static NDArray tokenLosses(NDArray logits, NDArray ids) {
        long t = ids.getShape().get(1);
        NDArray logProbs = logits.get(new NDIndex(":, 0:{}, :", t - 1)).logSoftmax(-1);
        NDArray targets = ids.get(new NDIndex(":, 1:")).expandDims(-1);
        return logProbs.gather(targets, -1).squeeze(-1).neg();
    }

    /**
     * Causal self-attention of block {@code l}; appends the pattern {@code [B, H, T, T]} and the
     * heads' gated outputs {@code z [B, H, T, D]}, both after {@code edits}, and their values {@code
     * v [B, H, T, D]}.
     */
    private NDArray attention(
            int l,
            NDArray x,
            NDArray causalMask,
            NDArray gates,
            HeadEdits edits,
            NDArray probe,
            List<NDArray> patterns,
            List<NDArray> zs,
            List<NDArray> vs,
            boolean training) {
        Shape shape = x.getShape();
        long b = shape.get(0);
        long t = shape.get(1);
        int h = config.nHead();
        int d = config.dHead();
        // (B, T, 3C) → three (B, H, T, D)
        var qkv = linear(x, l, "attn.c_attn").split(3, 2);
        NDArray q = qkv.get(0).reshape(b, t, h, d).transpose(0, 2, 1, 3);
        NDArray k = qkv.get(1).reshape(b, t, h, d).transpose(0, 2, 1, 3);
        NDArray v = qkv.get(2).reshape(b, t, h, d).transpose(0, 2, 1, 3);
        // (B, H, T, D) · (B, H, D, T) → (B, H, T, T)
        NDArray scores = q.matMul(k.transpose(0, 1, 3, 2));
        double divisor = config.attentionDivisor(l);
        if (divisor != 1) {
            scores = scores.div(constant(x, divisor));
        }
        scores = scores.add(causalMask);
        NDArray pattern = scores.softmax(-1);
        if (edits != null && edits.mix().get(l) != null) {
            // (B, H, H) · (B, H, T·T): each head's pattern becomes a mixture of the layer's patterns
            pattern = edits.mix().get(l).matMul(pattern.reshape(b, h, t * t)).reshape(b, h, t, t);
        }
        patterns.add(pattern);
        vs.add(v);
        NDArray z = drop(probe == null ? pattern : pattern.mul(probe), training).matMul(v); // (B, H, T, D)
        if (edits != null) {
            z = z.mul(edits.keep().get(new NDIndex(":, {}, :", l)).reshape(b, h, 1, 1));
            NDArray replace = edits.replace().get(l);
            if (replace != null) {
                NDArray zMean = edits.zMean().get(l).reshape(1, h, 1, d); // (1, H, 1, D)
                z = z.add(replace.reshape(b, h, 1, 1).mul(zMean));
            }
        }
        if (gates != null) {
            z = z.mul(gates.reshape(b, h, 1, 1));
        }
        zs.add(z);
        NDArray merged = z.transpose(0, 2, 1, 3).reshape(b, t, (long) h * d);
        return drop(linear(merged, l, "attn.c_proj"), training);
    }

    /**
     * {@code ‖x_h·W_O^h‖₂} of block {@code l}, {@code W_O^h} being the rows {@code h·D … (h+1)·D − 1}
     * of {@code attn.c_proj.weight}: what head {@code h} would write to the residual stream for each
     * of its {@code D}-vectors {@code x_h} (its outputs {@code z}, or its values {@code v}).
     *
     * <p>Computed as {@code √(x_h·G_h·x_hᵀ)} with the heads' Gram matrices {@code G_h = W_O^h·W_O^hᵀ}
     * ({@code [H, D, D]}): {@code C/D} = 12 times fewer multiplications than the {@code [.., H, T, C]}
     * products themselves (GPT-2-small-sized, a batch of 8 samples of 128 tokens: 0.05–0.09 s
     * against 0.11–0.25 s). In double precision, because the quadratic form cancels where the
     * product does not: for {@code x} near a null direction of a low-rank {@code W_O^h}, float32
     * Gram norms were off by up to 5e-4 relative where float32 products were off by 7e-7 (a
     * numpy check of 4,000 such vectors); in double the error is the final rounding to float32.
     *
     * @param x {@code [.., H, T, D]}
     * @return {@code [.., H, T]} float32, on {@code x}'s manager
     */
    public NDArray headOutputNorms(int l, NDArray x) {
        NDArray w = weights.block(l, "attn.c_proj.weight").reshape(config.nHead(), config.dHead(), config.nEmbd());
        w.attach(x.getManager()); // not the weights' manager, which outlives every batch
        w = w.toType(DataType.FLOAT64, false);
        NDArray gram = w.matMul(w.transpose(0, 2, 1)); // (H, D, D)
        NDArray x64 = x.toType(DataType.FLOAT64, false);
        // (.., H, T, D) · (H, D, D) → (.., H, T, D), the batch dimensions broadcast; ≥ 0 up to rounding
        NDArray squares = x64.matMul(gram).mul(x64).sum(new int[] {-1});
        return squares.maximum(0.0).sqrt().toType(DataType.FLOAT32, false);
    }

    /** Conv1D: {@code x·W + b} with block {@code l}'s {@code name.weight} and {@code name.bias}. */
    private NDArray linear(NDArray x, int l, String name) {
        return x.matMul(weights.block(l, name + ".weight")).add(weights.block(l, name + ".bias"));
    }

    private NDArray layerNorm(NDArray x, int l, String name) {
        return LayerNorm.layerNorm(
                        x,
                        new Shape(config.nEmbd()),
                        weights.block(l, name + ".weight"),
                        weights.block(l, name + ".bias"),
                        (float) config.layerNormEpsilon())
                .singletonOrThrow();
    }

    /**
     * Row {@code b}'s vector at position {@code positions[b]}: one gather, not one indexing call per
     * row. Differentiable.
     *
     * @param x {@code [B, T, W]}
     * @param positions {@code [B]}, each in {@code 0..T−1}
     * @return {@code [B, W]}, on {@code x}'s manager
     */
    public static NDArray atPositions(NDArray x, long[] positions) {
        Shape shape = x.getShape();
        NDArray index = x.getManager()
                .create(positions, new Shape(shape.get(0), 1, 1))
                .broadcast(new Shape(shape.get(0), 1, shape.get(2)));
        return x.gather(index, 1).squeeze(1);
    }

    /**
     * {@code value} as a scalar array of {@code like}'s manager, alive until that manager closes.
     *
     * <p>Never {@code x.mul(Number)} on a path that is differentiated: DJL's PyTorch engine wraps
     * the number in an array backed by a Java direct buffer and closes it when the op returns, but
     * autograd keeps that tensor for the backward pass (the gradient of {@code x·c} needs {@code
     * c}); once the garbage collector frees the buffer, backward reads freed memory and gradients
     * turn to garbage or NaN, at random.
     */
    public static NDArray constant(NDArray like, double value) {
        return like.getManager().create((float) value);
    }

    private NDArray drop(NDArray x, boolean training) {
        if (!training || dropout == 0f) {
            return x;
        }
        return Dropout.dropout(x, dropout, true).singletonOrThrow();
    }

    /** {@code [T, T]}: 0 where key ≤ query, −∞ above the diagonal. */
    private static NDArray causalMask(NDManager manager, long t) {
        int n = Math.toIntExact(t);
        float[] mask = new float[n * n];
        for (int q = 0; q < n; q++) {
            for (int k = q + 1; k < n; k++) {
                mask[q * n + k] = Float.NEGATIVE_INFINITY;
            }
        }
        return manager.create(mask, new Shape(t, t));
    }
}
