package io.headwise.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.headwise.BadInputException;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.model.GradientScope;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Trains a {@link Gpt} (makemore / nanoGPT style).
 *
 * <p>Each step takes {@code B} training samples from a {@link BatchSource} — for samples held in
 * memory, drawn uniformly with replacement from a generator seeded by {@code (seed, step)}; for a
 * streamed corpus, from a {@link ShuffleBuffer}; either way a run and a resumed run see the same
 * batches — right-pads them to the longest ({@code T}), and minimises the token-weighted mean next-token cross-entropy
 * over the valid positions (targets past a sample's end are masked, as makemore's {@code -1}
 * targets). Dropout draws from the engine's generator, seeded at the start of the run. With the
 * same seed and thread count a run is bitwise reproducible.
 *
 * <p>Memory: every step runs in its own sub-manager, closed at the end of the step; the weights
 * and the optimiser's moments are the only arrays that live across steps.
 */
public final class GptTrainer implements AutoCloseable {

    private final GptWeights weights;
    private final TrainConfig config;
    private final NDManager manager;
    private final Gpt gpt;
    private final AdamW optimizer;
    /** The weight average evaluated and saved instead of the weights, or null without {@code --ema}. */
    private final WeightAverage average;

    private final List<TrainListener> listeners = new ArrayList<>();
    private double elapsedBefore;
    private long tokensBefore;
    private double bestLoss = Double.POSITIVE_INFINITY;

    /**
     * @param weights the model to train, in place; its arrays belong to {@code manager}
     * @param manager parent of the optimiser's and every step's manager
     */
    public GptTrainer(GptWeights weights, TrainConfig config, NDManager manager) {
        this.weights = weights;
        this.config = config;
        this.manager = manager;
        this.gpt = new Gpt(weights, (float) config.dropout());
        for (NDArray parameter : weights.parameters()) {
            parameter.setRequiresGradient(true);
        }
        this.optimizer =
                new AdamW(weights.asMap(), manager, config.beta1(), config.beta2(), config.eps(), config.weightDecay());
        this.average = config.emaDecay() > 0 ? new WeightAverage(weights.asMap(), manager, config.emaDecay()) : null;
    }

    public GptTrainer addListener(TrainListener listener) {
        listeners.add(listener);
        return this;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public GptWeights weights() {
        return weights;
    }

    /** The weight average, or null when the run keeps none. */
    public WeightAverage average() {
        return average;
    }

    /**
     * What a checkpoint saves besides the model's weights, to resume from: the optimiser's
     * moments and, with an average, the trained weights ({@code trained.NAME}; the checkpoint's
     * own weights are then the average).
     */
    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>(optimizer.state());
        if (average != null) {
            average.trained().forEach((name, array) -> state.put(WeightAverage.TRAINED_PREFIX + name, array));
        }
        return state;
    }

    /**
     * Continues a run: the optimiser's moments and step count, the wall time and tokens so far and
     * the best held-out loss reached (a later evaluation is "best" only when it beats it). When
     * {@code optimizerState} holds trained weights ({@link #state()} of a run with an average),
     * the model's weights — the checkpoint's, i.e. that run's average — become the average and
     * the trained weights go back into the model.
     */
    public void resume(
            Map<String, NDArray> optimizerState, int stepsDone, double elapsedSeconds, long tokens, double bestSoFar) {
        optimizer.restore(optimizerState, stepsDone);
        boolean hasTrained = optimizerState.keySet().stream().anyMatch(k -> k.startsWith(WeightAverage.TRAINED_PREFIX));
        if (average != null) {
            weights.asMap().forEach((name, w) -> w.copyTo(average.averaged().get(name)));
        }
        if (hasTrained) {
            weights.asMap()
                    .forEach((name, w) -> AdamW.copyInto(optimizerState, WeightAverage.TRAINED_PREFIX + name, w));
        }
        this.elapsedBefore = elapsedSeconds;
        this.tokensBefore = tokens;
        this.bestLoss = bestSoFar;
    }

    /**
     * Trains from the optimiser's current step up to {@code config.steps()}.
     *
     * @param train training samples, each of 2..n_positions ids below V
     * @param test held-out samples (may be empty)
     * @return the last evaluation
     * @throws BadInputException when the loss becomes NaN or infinite, naming the step and rate
     */
    public Evaluation train(List<int[]> train, List<int[]> test) {
        GptConfig model = weights.config();
        checkSamples(train, model, "training");
        checkSamples(test, model, "held-out");
        return train(
                BatchSource.uniform(train, config.batchSize(), config.seed()),
                evalSubset(train, config),
                testEval(test, config));
    }

    /**
     * Trains from the optimiser's current step up to {@code config.steps()} on {@code batches}
     * (whose samples the source has checked), evaluating on fixed samples of each split.
     *
     * @param trainEval training samples the train loss is measured on
     * @param testEval held-out samples the held-out loss is measured on (may be empty)
     * @return the last evaluation
     * @throws BadInputException when the loss becomes NaN or infinite, naming the step and rate
     */
    public Evaluation train(BatchSource batches, List<int[]> trainEval, List<int[]> testEval) {
        GptConfig model = weights.config();
        checkSamples(trainEval, model, "training");
        checkSamples(testEval, model, "held-out");
        int start = optimizer.stepCount();
        Engine.getInstance().setRandomSeed((int) mix(config.seed(), start));
        long t0 = System.nanoTime();
        long tokens = tokensBefore;
        Evaluation last = null;
        try {
            for (int step = start; step < config.steps(); step++) {
                double lr = config.lrAt(step);
                List<int[]> batch = batches.batch(step);
                double loss = step(batch, lr, step);
                tokens += targets(batch);
                for (TrainListener l : listeners) {
                    l.onStep(step, loss, lr, tokens);
                }
                if ((step + 1) % config.evalInterval() == 0 || step + 1 == config.steps()) {
                    double elapsed = elapsedBefore + (System.nanoTime() - t0) / 1e9;
                    if (average == null) {
                        last = evaluation(step + 1, trainEval, testEval, lr, elapsed, tokens);
                    } else {
                        // The average is what is evaluated and saved; training goes on with the
                        // trained weights.
                        try (NDManager scratch = manager.newSubManager()) {
                            average.swap(scratch);
                            try {
                                last = evaluation(step + 1, trainEval, testEval, lr, elapsed, tokens);
                            } finally {
                                average.swap(scratch);
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            listeners.forEach(TrainListener::onEnd);
        }
        return last;
    }

    /** Evaluates the model's current weights and tells the listeners, with whether it is the best yet. */
    private Evaluation evaluation(
            int step, List<int[]> trainEval, List<int[]> testEval, double lr, double elapsed, long tokens)
            throws IOException {
        Evaluation e = new Evaluation(
                step, evaluate(trainEval), testEval.isEmpty() ? Double.NaN : evaluate(testEval), lr, elapsed, tokens);
        boolean best = e.selectionLoss() < bestLoss;
        if (best) {
            bestLoss = e.selectionLoss();
        }
        for (TrainListener l : listeners) {
            l.onEvaluation(e, best);
        }
        return e;
    }

    /**
     * The token-weighted mean next-token NLL (nats) of {@code samples}, without dropout: {@code Σ
     * over samples and valid positions of −ln p / number of those positions}.
     */
    public double evaluate(List<int[]> samples) {
        double sum = 0;
        long count = 0;
        for (int from = 0; from < samples.size(); from += config.batchSize()) {
            List<int[]> batch = samples.subList(from, Math.min(samples.size(), from + config.batchSize()));
            try (NDManager scratch = manager.newSubManager()) {
                Batch b = Batch.of(batch, scratch);
                NDArray losses = Gpt.tokenLosses(
                        gpt.forward(gpt.embed(b.ids()), null, false).logits(), b.ids());
                sum += losses.mul(b.mask()).sum().getFloat();
                count += b.targets();
            }
        }
        return count == 0 ? Double.NaN : sum / count;
    }

    /** One optimiser step on {@code batch}; returns its loss. */
    private double step(List<int[]> batch, double lr, int step) {
        try (NDManager scratch = manager.newSubManager()) {
            Batch b = Batch.of(batch, scratch);
            double loss;
            try (GradientScope scope = GradientScope.open(scratch)) {
                NDArray losses = Gpt.tokenLosses(
                        gpt.forward(gpt.embed(b.ids()), null, config.dropout() > 0)
                                .logits(),
                        b.ids());
                NDArray objective = losses.mul(b.mask()).sum().div(Gpt.constant(losses, b.targets()));
                scope.backward(objective);
                loss = objective.getFloat();
            }
            if (!Double.isFinite(loss)) {
                optimizer.zeroGradients(scratch);
                throw new BadInputException(
                        "training diverged: the loss is %s at step %d (learning rate %.3g); lower --lr or raise --warmup",
                        Double.isNaN(loss) ? "NaN" : "infinite", step + 1, lr);
            }
            if (config.gradClip() > 0) {
                optimizer.clipGradients(config.gradClip(), scratch);
            }
            optimizer.step(lr, scratch);
            optimizer.zeroGradients(scratch);
            if (average != null) {
                average.update(scratch);
            }
            return loss;
        }
    }

    /** How many samples of each split an evaluation measures: {@code evalBatches·B}. */
    public static int evalSamples(TrainConfig config) {
        return config.evalBatches() * config.batchSize();
    }

    /** The first {@link #evalSamples} held-out samples (all if fewer). */
    static List<int[]> testEval(List<int[]> test, TrainConfig config) {
        return test.subList(0, Math.min(test.size(), evalSamples(config)));
    }

    /** A fixed pseudo-random subset of {@link #evalSamples} training samples (all if fewer). */
    static List<int[]> evalSubset(List<int[]> train, TrainConfig config) {
        int n = Math.min(train.size(), evalSamples(config));
        List<int[]> shuffled = new ArrayList<>(train);
        Collections.shuffle(shuffled, new Random(mix(config.seed(), -1)));
        return shuffled.subList(0, n);
    }

    private static long targets(List<int[]> batch) {
        long n = 0;
        for (int[] ids : batch) {
            n += ids.length - 1;
        }
        return n;
    }

    /**
     * @throws BadInputException naming the first of {@code samples} ({@code which}: training or
     *     held-out) that is shorter than 2 or longer than n_positions, or has an id outside the vocabulary
     */
    static void checkSamples(List<int[]> samples, GptConfig model, String which) {
        for (int i = 0; i < samples.size(); i++) {
            int[] ids = samples.get(i);
            if (ids.length < 2 || ids.length > model.nPositions()) {
                throw new BadInputException(
                        "%s sample %d has %d tokens; training needs 2..n_positions (%d)",
                        which, i, ids.length, model.nPositions());
            }
            for (int id : ids) {
                if (id < 0 || id >= model.vocabSize()) {
                    throw new BadInputException(
                            "%s sample %d has token id %d outside the vocabulary (vocab_size %d)",
                            which, i, id, model.vocabSize());
                }
            }
        }
        if (which.equals("training") && samples.isEmpty()) {
            throw new BadInputException("no training samples");
        }
    }

    /** SplitMix64 of {@code seed} and {@code stream}: independent generators per step. */
    static long mix(long seed, long stream) {
        long z = seed * 0x9e3779b97f4a7c15L + stream;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public void close() {
        optimizer.close();
        if (average != null) {
            average.close();
        }
    }

    /**
     * A right-padded batch.
     *
     * @param ids {@code [B, T]} int64, padded with id 0
     * @param mask {@code [B, T-1]} 1 where position {@code t+1} is inside the sample, else 0
     * @param targets the number of ones in {@code mask}
     */
    record Batch(NDArray ids, NDArray mask, long targets) {

        static Batch of(List<int[]> samples, NDManager manager) {
            int b = samples.size();
            int t = 0;
            for (int[] s : samples) {
                t = Math.max(t, s.length);
            }
            long[] ids = new long[b * t];
            float[] mask = new float[b * (t - 1)];
            long targets = 0;
            for (int i = 0; i < b; i++) {
                int[] s = samples.get(i);
                for (int j = 0; j < s.length; j++) {
                    ids[i * t + j] = s[j];
                }
                for (int j = 0; j < s.length - 1; j++) {
                    mask[i * (t - 1) + j] = 1f;
                }
                targets += s.length - 1;
            }
            return new Batch(manager.create(ids, new Shape(b, t)), manager.create(mask, new Shape(b, t - 1)), targets);
        }
    }
}
