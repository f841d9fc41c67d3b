package io.headwise.model;

import java.util.Map;

/**
 * GPT-2 in plain Java and double precision, written from the equations and nothing else, as an
 * independent reference for {@link Gpt} and {@link Analyzer}. Slow and obvious on purpose: loops
 * over arrays, no DJL.
 *
 * <p>Dimensions: T positions, C = n_embd, H heads of width D = C/H, F = 4C, V = vocab_size, L
 * layers. Weights are Hugging Face tensors, row-major; Conv1D computes {@code y = x·W + b} with
 * {@code W [in, out]}.
 */
final class NaiveGpt {

    private final GptConfig config;
    private final Map<String, float[]> tensors;

    /**
     * @param tensors Hugging Face name → row-major values (as {@code NDArray.toFloatArray()})
     */
    NaiveGpt(GptConfig config, Map<String, float[]> tensors) {
        this.config = config;
        this.tensors = Map.copyOf(tensors);
    }

    /** What {@link #forward} computes; see the class javadoc for the letters. */
    record Result(
            double[][] logits, // [T][V]
            double[][][][] patterns, // [L][H][T][T], zero above the diagonal
            double[][][] residPost, // [L][T][C]
            double[][][] mlpPost, // [L][T][F]
            double[] losses, // [T-1]
            double meanLoss, // NaN when T < 2
            double[][] outputNorm, // [L][H], SPEC §6; zeros when T < 2
            double[][][] z, // [L][T][C], each head's z side by side, after gates and interventions
            double[][][] valueNorms) {} // [L][H][T]: ‖(x̃_k·W_V^h + b_V^h)·W_O^h‖₂, SPEC §6 value_weighted

    /** {@code A_{layer,head}[query][key] += delta} after the softmax, where the pattern meets V. */
    record Nudge(int layer, int head, int query, int key, double delta) {}

    /** {@code e[t] = wte[ids[t]] + wpe[t]}, {@code [T][C]}. */
    double[][] embed(int[] ids) {
        int c = config.nEmbd();
        float[] wte = tensor("wte.weight");
        float[] wpe = tensor("wpe.weight");
        double[][] e = new double[ids.length][c];
        for (int t = 0; t < ids.length; t++) {
            for (int i = 0; i < c; i++) {
                e[t][i] = (double) wte[ids[t] * c + i] + wpe[t * c + i];
            }
        }
        return e;
    }

    Result forward(int[] ids) {
        return forward(ids, embed(ids), null);
    }

    /**
     * @param ids {@code [T]}, used only for the losses
     * @param embeddings {@code [T][C]}, the input to block 0
     * @param gates {@code [L][H]} multipliers of each head's {@code A·V}, or null for ones
     */
    Result forward(int[] ids, double[][] embeddings, double[][] gates) {
        return forward(ids, embeddings, gates, Intervention.none(), null, null);
    }

    /** As {@link #forward(int[], double[][], double[][])}, with one pattern weight moved by {@code nudge}. */
    Result forward(int[] ids, double[][] embeddings, double[][] gates, Nudge nudge) {
        return forward(ids, embeddings, gates, Intervention.none(), null, nudge);
    }

    /**
     * The forward pass under {@code intervention} (SPEC §5).
     *
     * @param zMean {@code [L][H][D]} the replacement of a mean-ablated head's {@code z}, or null
     */
    Result forward(int[] ids, Intervention intervention, double[][][] zMean) {
        return forward(ids, embed(ids), null, intervention, zMean, null);
    }

    private Result forward(
            int[] ids,
            double[][] embeddings,
            double[][] gates,
            Intervention intervention,
            double[][][] zMean,
            Nudge nudge) {
        int nLayer = config.nLayer();
        int t = embeddings.length;
        double[][] x = copy(embeddings);
        double[][][][] patterns = new double[nLayer][][][];
        double[][][] residPost = new double[nLayer][][];
        double[][][] mlpPost = new double[nLayer][][];
        double[][] outputNorm = new double[nLayer][];
        double[][][] zs = new double[nLayer][][];
        double[][][] valueNorms = new double[nLayer][config.nHead()][];
        for (int l = 0; l < nLayer; l++) {
            String p = "h." + l + ".";
            double[][] normed = layerNorm(x, p + "ln_1");
            patterns[l] = new double[config.nHead()][][];
            Nudge here = nudge != null && nudge.layer() == l ? nudge : null;
            double[][] attn = attention(
                    normed,
                    l,
                    p,
                    gates == null ? null : gates[l],
                    here,
                    patterns[l],
                    valueNorms[l],
                    intervention,
                    zMean);
            zs[l] = attn;
            outputNorm[l] = headOutputNorms(attn, p + "attn.c_proj.weight");
            x = add(x, conv1d(attn, p + "attn.c_proj"));
            double[][] hidden = conv1d(layerNorm(x, p + "ln_2"), p + "mlp.c_fc");
            for (double[] row : hidden) {
                for (int i = 0; i < row.length; i++) {
                    row[i] = activation(config.activation(), row[i]);
                }
            }
            mlpPost[l] = hidden;
            x = add(x, conv1d(hidden, p + "mlp.c_proj"));
            residPost[l] = copy(x);
        }
        double[][] logits = readOut(x);
        double[] losses = new double[Math.max(t - 1, 0)];
        double sum = 0;
        for (int q = 0; q + 1 < t; q++) {
            losses[q] = logSumExp(logits[q]) - logits[q][ids[q + 1]];
            sum += losses[q];
        }
        return new Result(
                logits,
                patterns,
                residPost,
                mlpPost,
                losses,
                t > 1 ? sum / (t - 1) : Double.NaN,
                outputNorm,
                zs,
                valueNorms);
    }

    /** {@code ln_f(x)·W_Uᵀ}, {@code [T][V]}: the logits, or the logit lens of an earlier block's output. */
    double[][] readOut(double[][] x) {
        return unembed(layerNorm(x, "ln_f"));
    }

    /**
     * Per head, the mean over {@code q = 1..T-1} of {@code ‖z_h[q]·W_O^h‖₂}, {@code W_O^h} the rows
     * {@code h·D … (h+1)·D − 1} of {@code c_proj.weight [C, C]}.
     *
     * @param z {@code [T][C]}, the heads' outputs side by side
     */
    private double[] headOutputNorms(double[][] z, String cProjWeight) {
        float[] w = tensor(cProjWeight);
        int t = z.length;
        int c = config.nEmbd();
        int d = config.dHead();
        double[] norms = new double[config.nHead()];
        for (int h = 0; h < config.nHead() && t > 1; h++) {
            for (int q = 1; q < t; q++) {
                double squares = 0;
                for (int j = 0; j < c; j++) {
                    double y = 0;
                    for (int i = 0; i < d; i++) {
                        y += z[q][h * d + i] * w[(h * d + i) * c + j];
                    }
                    squares += y * y;
                }
                norms[h] += Math.sqrt(squares);
            }
            norms[h] /= t - 1;
        }
        return norms;
    }

    /** {@code 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))}. */
    static double geluNew(double x) {
        return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));
    }

    /** The activations as Hugging Face's ACT2FN defines them, in double precision. */
    static double activation(MlpActivation activation, double x) {
        return switch (activation) {
            case GELU_NEW -> geluNew(x);
            case GELU -> 0.5 * x * (1 + org.apache.commons.math3.special.Erf.erf(x / Math.sqrt(2)));
            case RELU -> Math.max(x, 0);
            case SILU -> x / (1 + Math.exp(-x));
        };
    }

    /**
     * Causal multi-head attention before the output projection: returns the heads' gated {@code
     * A·V} side by side ({@code [T][C]}) and fills {@code patterns [H][T][T]} and {@code valueNorms
     * [H][T]}. {@code nudge} moves one weight of a head's own pattern; the intervention's merges then
     * replace patterns (each from the heads' own patterns); a zeroed head's {@code z} is 0, a
     * mean-ablated head's is {@code zMean[l][h]} at every position.
     */
    private double[][] attention(
            double[][] x,
            int l,
            String p,
            double[] gates,
            Nudge nudge,
            double[][][] patterns,
            double[][] valueNorms,
            Intervention intervention,
            double[][][] zMean) {
        int t = x.length;
        int c = config.nEmbd();
        int d = config.dHead();
        int nHead = config.nHead();
        double[][] qkv = conv1d(x, p + "attn.c_attn"); // [T][3C]: q | k | v
        double[][][] own = new double[nHead][][];
        for (int h = 0; h < nHead; h++) {
            own[h] = pattern(qkv, l, h);
            if (nudge != null && nudge.head() == h) {
                own[h][nudge.query()][nudge.key()] += nudge.delta();
            }
            patterns[h] = own[h];
        }
        boolean[] zeroed = new boolean[nHead];
        boolean[] averaged = new boolean[nHead];
        for (Intervention.Edit edit : intervention.edits()) {
            if (edit.layer() != l) {
                continue;
            }
            if (edit instanceof Intervention.Zero z) {
                zeroed[z.head()] = true;
            } else if (edit instanceof Intervention.Mean m) {
                averaged[m.head()] = true;
            } else if (edit instanceof Intervention.Merge m) {
                double[][] merged = new double[t][t];
                for (int q = 0; q < t; q++) {
                    for (int k = 0; k <= q; k++) {
                        merged[q][k] = m.alpha() * own[m.head1()][q][k] + (1 - m.alpha()) * own[m.head2()][q][k];
                    }
                }
                patterns[m.head1()] = merged;
                patterns[m.head2()] = merged;
            }
        }
        float[] wO = tensor(p + "attn.c_proj.weight");
        double[][] z = new double[t][c];
        for (int h = 0; h < nHead; h++) {
            double gate = gates == null ? 1 : gates[h];
            double[][] a = patterns[h];
            for (int q = 0; q < t; q++) {
                for (int i = 0; i < d; i++) {
                    double s = 0;
                    if (averaged[h]) {
                        s = zMean[l][h][i];
                    } else if (!zeroed[h]) {
                        for (int k = 0; k <= q; k++) {
                            s += a[q][k] * qkv[k][2 * c + h * d + i];
                        }
                    }
                    z[q][h * d + i] = gate * s;
                }
            }
            valueNorms[h] = new double[t];
            for (int k = 0; k < t; k++) {
                double squares = 0;
                for (int j = 0; j < c; j++) {
                    double y = 0;
                    for (int i = 0; i < d; i++) {
                        y += qkv[k][2 * c + h * d + i] * wO[(h * d + i) * c + j];
                    }
                    squares += y * y;
                }
                valueNorms[h][k] = Math.sqrt(squares);
            }
        }
        return z;
    }

    /** Head {@code h}'s causal softmax pattern {@code [T][T]} from {@code qkv [T][3C]}. */
    private double[][] pattern(double[][] qkv, int l, int h) {
        int t = qkv.length;
        int c = config.nEmbd();
        int d = config.dHead();
        double[][] a = new double[t][t];
        int qOff = h * d;
        int kOff = c + h * d;
        for (int q = 0; q < t; q++) {
            double[] scores = new double[q + 1];
            for (int k = 0; k <= q; k++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += qkv[q][qOff + i] * qkv[k][kOff + i];
                }
                // As GPT2Attention: first by √D, then by the block's 1-based index.
                scores[k] = config.scaleAttnWeights() ? dot / Math.sqrt(d) : dot;
                if (config.scaleAttnByInverseLayerIdx()) {
                    scores[k] /= l + 1;
                }
            }
            double lse = logSumExp(scores);
            for (int k = 0; k <= q; k++) {
                a[q][k] = Math.exp(scores[k] - lse);
            }
        }
        return a;
    }

    /** {@code x·W + b} with {@code W = name.weight [in, out]}, {@code b = name.bias [out]}. */
    private double[][] conv1d(double[][] x, String name) {
        float[] w = tensor(name + ".weight");
        float[] b = tensor(name + ".bias");
        int in = x[0].length;
        int out = b.length;
        if (w.length != in * out) {
            throw new IllegalArgumentException(name + ".weight is not [" + in + ", " + out + "]");
        }
        double[][] y = new double[x.length][out];
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < out; j++) {
                double s = b[j];
                for (int i = 0; i < in; i++) {
                    s += x[t][i] * w[i * out + j];
                }
                y[t][j] = s;
            }
        }
        return y;
    }

    /** LayerNorm over the last axis, biased variance, then {@code ·γ + β}. */
    private double[][] layerNorm(double[][] x, String name) {
        float[] gamma = tensor(name + ".weight");
        float[] beta = tensor(name + ".bias");
        int c = gamma.length;
        double[][] y = new double[x.length][c];
        for (int t = 0; t < x.length; t++) {
            double mean = 0;
            for (double v : x[t]) {
                mean += v;
            }
            mean /= c;
            double var = 0;
            for (double v : x[t]) {
                var += (v - mean) * (v - mean);
            }
            var /= c;
            double inv = 1 / Math.sqrt(var + config.layerNormEpsilon());
            for (int i = 0; i < c; i++) {
                y[t][i] = (x[t][i] - mean) * inv * gamma[i] + beta[i];
            }
        }
        return y;
    }

    /** {@code x · headᵀ}, head = {@code wte} when tied, else {@code lm_head.weight} ({@code [V, C]}). */
    private double[][] unembed(double[][] x) {
        float[] head = tensor(config.tieWordEmbeddings() ? "wte.weight" : "lm_head.weight");
        int c = config.nEmbd();
        int v = config.vocabSize();
        double[][] logits = new double[x.length][v];
        for (int t = 0; t < x.length; t++) {
            for (int j = 0; j < v; j++) {
                double s = 0;
                for (int i = 0; i < c; i++) {
                    s += x[t][i] * head[j * c + i];
                }
                logits[t][j] = s;
            }
        }
        return logits;
    }

    private float[] tensor(String name) {
        float[] values = tensors.get(name);
        if (values == null) {
            throw new IllegalArgumentException("no tensor " + name);
        }
        return values;
    }

    static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (double v : x) {
            s += Math.exp(v - max);
        }
        return max + Math.log(s);
    }

    private static double[][] add(double[][] a, double[][] b) {
        double[][] y = new double[a.length][a[0].length];
        for (int t = 0; t < a.length; t++) {
            for (int i = 0; i < a[t].length; i++) {
                y[t][i] = a[t][i] + b[t][i];
            }
        }
        return y;
    }

    static double[][] copy(double[][] x) {
        double[][] y = new double[x.length][];
        for (int t = 0; t < x.length; t++) {
            y[t] = x[t].clone();
        }
        return y;
    }
}
