package io.headwise.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * {@code K} interventions in the form {@link Gpt#forward(NDArray, NDArray, HeadEdits, boolean)}
 * applies them, for a batch of {@code N = K·B} rows: row {@code n = k·B + b} is sample {@code b}
 * under intervention {@code k}, so the intervention index is one more batch dimension. In block
 * {@code l}, for row {@code n} and head {@code h}:
 *
 * <pre>
 *   A'[n, h] = Σ_h' mix_l[n, h, h'] · A[n, h']                 merges (identity otherwise)
 *   z'[n, h] = keep[n, l, h] · (A'·V)[n, h] + replace[n, l, h] · z̄[l, h]
 * </pre>
 *
 * <p>{@code zero}: keep 0, replace 0; {@code mean}: keep 0, replace 1; {@code merge L.H1+H2@α}:
 * rows H1 and H2 of {@code mix_L} are {@code α·e_{H1} + (1−α)·e_{H2}}. A layer no row changes has
 * no arrays, so it runs as in the plain forward pass.
 *
 * @param keep {@code [N, L, H]} multiplier of each head's {@code A·V}
 * @param replace per layer {@code [N, H]} weight of {@code z̄} in {@code z}, or null when no row
 *     mean-ablates a head of that layer
 * @param zMean {@code [L, H, D]} the replacement {@code z̄}, or null when {@code replace} is all null
 * @param mix per layer {@code [N, H, H]} pattern mixing, or null when no row merges heads there
 */
public record HeadEdits(NDArray keep, List<NDArray> replace, NDArray zMean, List<NDArray> mix) {

    public HeadEdits {
        replace = Collections.unmodifiableList(new ArrayList<>(replace));
        mix = Collections.unmodifiableList(new ArrayList<>(mix));
    }

    /** Rows in the batch these edits are for. */
    public long rows() {
        return keep.getShape().get(0);
    }

    /**
     * Builds the arrays for {@code interventions} × {@code b} samples.
     *
     * @param zMean {@code [L][H][D]} each head's {@code z̄}; required when an intervention has a
     *     {@code mean} edit, else may be null
     * @param manager where the arrays live (the batch's)
     */
    public static HeadEdits of(
            List<Intervention> interventions, int b, GptConfig config, float[][][] zMean, NDManager manager) {
        int k = interventions.size();
        int n = k * b;
        int nLayer = config.nLayer();
        int nHead = config.nHead();
        float[] keep = new float[n * nLayer * nHead];
        java.util.Arrays.fill(keep, 1f);
        float[][] replace = new float[nLayer][];
        float[][] mix = new float[nLayer][];
        for (int i = 0; i < k; i++) {
            for (Intervention.Edit edit : interventions.get(i).edits()) {
                int l = edit.layer();
                if (edit instanceof Intervention.Zero z) {
                    setRows(keep, i, b, (l * nHead + z.head()), nLayer * nHead, 0f);
                } else if (edit instanceof Intervention.Mean m) {
                    if (zMean == null) {
                        throw new IllegalArgumentException(
                                "intervention " + interventions.get(i).text() + " needs z̄, none given");
                    }
                    setRows(keep, i, b, (l * nHead + m.head()), nLayer * nHead, 0f);
                    if (replace[l] == null) {
                        replace[l] = new float[n * nHead];
                    }
                    setRows(replace[l], i, b, m.head(), nHead, 1f);
                } else if (edit instanceof Intervention.Merge m) {
                    if (mix[l] == null) {
                        mix[l] = identities(n, nHead);
                    }
                    for (int row = i * b; row < (i + 1) * b; row++) {
                        setMergedRow(mix[l], row, nHead, m);
                    }
                }
            }
        }
        List<NDArray> replaceArrays = new ArrayList<>(nLayer);
        List<NDArray> mixArrays = new ArrayList<>(nLayer);
        boolean anyReplace = false;
        for (int l = 0; l < nLayer; l++) {
            anyReplace |= replace[l] != null;
            replaceArrays.add(replace[l] == null ? null : manager.create(replace[l], new Shape(n, nHead)));
            mixArrays.add(mix[l] == null ? null : manager.create(mix[l], new Shape(n, nHead, nHead)));
        }
        NDArray zMeanArray =
                anyReplace ? manager.create(flatten(zMean, config), new Shape(nLayer, nHead, config.dHead())) : null;
        return new HeadEdits(manager.create(keep, new Shape(n, nLayer, nHead)), replaceArrays, zMeanArray, mixArrays);
    }

    /** {@code values[(row·stride) + offset] = value} for the B rows of intervention {@code k}. */
    private static void setRows(float[] values, int k, int b, int offset, int stride, float value) {
        for (int row = k * b; row < (k + 1) * b; row++) {
            values[row * stride + offset] = value;
        }
    }

    /**
     * Rows H1 and H2 of one row's {@code [H, H]} block become {@code α·e_{H1} + (1−α)·e_{H2}}; a
     * head merged with itself keeps its identity row exactly (in float32, α + (1−α) may not be 1).
     */
    private static void setMergedRow(float[] mix, int row, int nHead, Intervention.Merge m) {
        if (m.head1() == m.head2()) {
            return;
        }
        for (int h : new int[] {m.head1(), m.head2()}) {
            int base = (row * nHead + h) * nHead;
            java.util.Arrays.fill(mix, base, base + nHead, 0f);
            mix[base + m.head1()] += (float) m.alpha();
            mix[base + m.head2()] += (float) (1 - m.alpha());
        }
    }

    private static float[] identities(int n, int nHead) {
        float[] mix = new float[n * nHead * nHead];
        for (int row = 0; row < n; row++) {
            for (int h = 0; h < nHead; h++) {
                mix[(row * nHead + h) * nHead + h] = 1f;
            }
        }
        return mix;
    }

    private static float[] flatten(float[][][] zMean, GptConfig config) {
        int nHead = config.nHead();
        int d = config.dHead();
        if (zMean.length != config.nLayer()) {
            throw new IllegalArgumentException("z̄ has " + zMean.length + " layers, the model " + config.nLayer());
        }
        float[] flat = new float[config.nLayer() * nHead * d];
        for (int l = 0; l < zMean.length; l++) {
            for (int h = 0; h < nHead; h++) {
                if (zMean[l][h].length != d) {
                    throw new IllegalArgumentException("z̄[" + l + "][" + h + "] is not of length d_head " + d);
                }
                System.arraycopy(zMean[l][h], 0, flat, (l * nHead + h) * d, d);
            }
        }
        return flat;
    }
}
