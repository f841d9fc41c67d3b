package io.headwise.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.headwise.model.Analyzer;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptOutput;
import io.headwise.model.GradientScope;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The model without Spark, on the batches the extract job would make (windows of 4 batches sorted
 * by length, right-padded): forward only, forward + backward (the gradient objective of {@link
 * Analyzer}), and the whole {@link Analyzer} (forward + backward + copying every result to the
 * host). Also the FLOPs a forward pass executes on the padded batches.
 */
final class ModelAlone {

    private ModelAlone() {}

    /** The job's batching: windows of {@code 4·batch} samples, each sorted by length. */
    static List<List<int[]>> batches(List<int[]> samples, int batch) {
        List<List<int[]>> batches = new ArrayList<>();
        int window = 4 * batch;
        for (int start = 0; start < samples.size(); start += window) {
            List<int[]> w = new ArrayList<>(samples.subList(start, Math.min(samples.size(), start + window)));
            w.sort(Comparator.comparingInt(a -> a.length));
            for (int i = 0; i < w.size(); i += batch) {
                batches.add(w.subList(i, Math.min(w.size(), i + batch)));
            }
        }
        return batches;
    }

    static long tokens(List<List<int[]>> batches) {
        return batches.stream().flatMap(List::stream).mapToLong(a -> a.length).sum();
    }

    /**
     * Forward FLOPs actually executed on the padded batches: per batch of B samples padded to P,
     * {@code 2·B·P·(12·L·C² + C·V)} for the weight matmuls and the LM head, plus {@code 4·B·L·P²·C}
     * for q·kᵀ and A·v (computed on the full P×P square, then masked).
     */
    static double forwardFlops(List<List<int[]>> batches, GptConfig c) {
        double flops = 0;
        for (List<int[]> b : batches) {
            int p = b.stream().mapToInt(a -> a.length).max().orElse(0);
            double n = b.size();
            flops += 2 * n * p * (12.0 * c.nLayer() * c.nEmbd() * c.nEmbd() + (double) c.nEmbd() * c.vocabSize());
            flops += 4 * n * c.nLayer() * (double) p * p * c.nEmbd();
        }
        return flops;
    }

    /** Seconds for a forward pass over every batch. */
    static double forward(Gpt gpt, NDManager manager, List<List<int[]>> batches) {
        long start = System.nanoTime();
        for (List<int[]> b : batches) {
            try (NDManager m = manager.newSubManager()) {
                GptOutput out = gpt.forward(ids(m, b));
                out.logits().sum().getFloat();
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for forward + one backward pass of Σ_b L_b over every batch. */
    static double forwardBackward(Gpt gpt, NDManager manager, List<List<int[]>> batches) {
        GptConfig config = gpt.config();
        long start = System.nanoTime();
        for (List<int[]> b : batches) {
            try (NDManager m = manager.newSubManager()) {
                NDArray ids = ids(m, b);
                int t = (int) ids.getShape().get(1);
                float[] weights = new float[b.size() * (t - 1)];
                for (int i = 0; i < b.size(); i++) {
                    for (int j = 0; j < b.get(i).length - 1; j++) {
                        weights[i * (t - 1) + j] = 1f / (b.get(i).length - 1);
                    }
                }
                try (GradientScope scope = GradientScope.open(m)) {
                    NDArray e = gpt.embed(ids);
                    e.setRequiresGradient(true);
                    NDArray gates = m.ones(new Shape(b.size(), config.nLayer(), config.nHead()));
                    gates.setRequiresGradient(true);
                    GptOutput out = gpt.forward(e, gates, false);
                    NDArray loss = Gpt.tokenLosses(out.logits(), ids)
                            .mul(m.create(weights, new Shape(b.size(), t - 1)))
                            .sum();
                    scope.backward(loss);
                    e.getGradient().sum().getFloat();
                }
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Seconds for {@link Analyzer#analyze} (with gradients, MLP top-8) over every batch. */
    static double analyzer(Gpt gpt, NDManager manager, List<List<int[]>> batches) {
        Analyzer analyzer = new Analyzer(gpt, manager, 8, true);
        long start = System.nanoTime();
        for (List<int[]> b : batches) {
            analyzer.analyze(b);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * The machine's fp32 matmul rate in FLOP/s (n×n·n×n products, PyTorch on the CPU): the best of
     * five rounds of {@code reps} products, after a second of warm-up. A single round right after
     * the model load read anywhere from 27 to 219 GFLOP/s on the same machine (fresh memory for the
     * products, OpenMP's threads starting), which made the forward pass's fraction meaningless.
     */
    static double matmulRate(NDManager manager, int n, int reps) {
        try (NDManager m = manager.newSubManager()) {
            NDArray a = m.randomUniform(0, 1, new Shape(n, n));
            NDArray b = m.randomUniform(0, 1, new Shape(n, n));
            long warm = System.nanoTime();
            while (System.nanoTime() - warm < 1_000_000_000L) {
                try (NDArray c = a.matMul(b)) {
                    c.getFloat(0, 0);
                }
            }
            double best = 0;
            for (int round = 0; round < 5; round++) {
                long start = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    try (NDArray c = a.matMul(b)) {
                        c.getFloat(0, 0);
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                best = Math.max(best, 2.0 * n * n * n * reps / seconds);
            }
            return best;
        }
    }

    private static NDArray ids(NDManager m, List<int[]> b) {
        int t = b.stream().mapToInt(a -> a.length).max().orElse(0);
        long[] padded = new long[b.size() * t];
        for (int i = 0; i < b.size(); i++) {
            for (int j = 0; j < b.get(i).length; j++) {
                padded[i * t + j] = b.get(i)[j];
            }
        }
        return m.create(padded, new Shape(b.size(), t));
    }
}
