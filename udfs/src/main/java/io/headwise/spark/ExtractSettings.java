package io.headwise.spark;

import java.io.Serializable;
import java.util.List;

/**
 * What every extract task needs besides the model: batching, which outputs, which device.
 *
 * @param batchSize samples per model pass
 * @param window rows read ahead and sorted by length before batching (≥ batchSize); bounds a
 *     task's memory and the padding
 * @param mlpTopK MLP neurons kept per position
 * @param gradients whether to run the backward pass
 * @param patterns which samples get {@code attention} rows
 * @param distances which samples' attention rows {@code head_distances} compares
 * @param device {@code auto}, {@code cpu} or {@code gpu} ({@link DeviceChoice})
 * @param explain which samples get explanations ({@code attributions}, {@code logit_lens}, {@code
 *     attention.value_weighted})
 * @param vocabulary each token id's piece, for {@code logit_lens.top_token} (ids past its end get
 *     null); empty when no sample is explained
 */
public record ExtractSettings(
        int batchSize,
        int window,
        int mlpTopK,
        boolean gradients,
        PatternSelection patterns,
        PatternSelection distances,
        String device,
        PatternSelection explain,
        List<String> vocabulary)
        implements Serializable {

    /** Without explanations. */
    public ExtractSettings(
            int batchSize,
            int window,
            int mlpTopK,
            boolean gradients,
            PatternSelection patterns,
            PatternSelection distances,
            String device) {
        this(batchSize, window, mlpTopK, gradients, patterns, distances, device, PatternSelection.none(), List.of());
    }

    public ExtractSettings {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        if (window < batchSize) {
            throw new IllegalArgumentException("window " + window + " is smaller than the batch size " + batchSize);
        }
        vocabulary = List.copyOf(vocabulary);
    }
}
