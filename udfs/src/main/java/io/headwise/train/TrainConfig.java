package io.headwise.train;

import io.headwise.BadInputException;
import io.headwise.model.GptWeights;

/**
 * The hyper-parameters of one training run, and its learning-rate schedule.
 *
 * <p>Schedule (nanoGPT's): a linear warm-up from {@code lr/warmupSteps} to {@code lr} over the
 * first {@code warmupSteps} steps, then, when {@code cosineDecay}, a cosine decay from {@code lr}
 * to {@code minLr} at step {@code steps}; without decay the rate stays at {@code lr}.
 *
 * @param steps optimiser steps in the whole run (a resumed run continues up to this number)
 * @param batchSize B, samples per step
 * @param lr peak learning rate
 * @param minLr the rate the cosine decay ends at
 * @param warmupSteps linear warm-up steps (0: none)
 * @param cosineDecay whether to decay to {@code minLr} after the warm-up
 * @param weightDecay decoupled weight decay, applied to matrices and embeddings only
 * @param beta1 AdamW's first-moment decay (0.9)
 * @param beta2 AdamW's second-moment decay (0.99, as makemore)
 * @param eps AdamW's epsilon (1e-8)
 * @param dropout dropout probability on embeddings, attention and residual branches
 * @param gradClip the largest global gradient norm (0: no clipping)
 * @param seed seeds initialisation, batch order and dropout
 * @param evalInterval evaluate (and maybe save) every this many steps, and at the end
 * @param evalBatches batches of B samples per split in an evaluation (the held-out set is
 *     evaluated whole when it has fewer samples)
 * @param init how a new run draws its weights (a resumed run continues from its checkpoint)
 * @param emaDecay when above 0, the run keeps an exponential moving average of the weights,
 *     {@code a ← d·a + (1 − d)·w} after every step, and evaluates and saves that average instead
 *     of the weights it trains (0: off; see {@link WeightAverage})
 */
public record TrainConfig(
        int steps,
        int batchSize,
        double lr,
        double minLr,
        int warmupSteps,
        boolean cosineDecay,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        double dropout,
        double gradClip,
        long seed,
        int evalInterval,
        int evalBatches,
        GptWeights.Init init,
        double emaDecay) {

    public static final double BETA1_DEFAULT = 0.9;
    public static final double BETA2_DEFAULT = 0.99;
    public static final double EPS_DEFAULT = 1e-8;

    /** A run that starts from GPT-2's initialisation, without weight averaging. */
    public TrainConfig(
            int steps,
            int batchSize,
            double lr,
            double minLr,
            int warmupSteps,
            boolean cosineDecay,
            double weightDecay,
            double beta1,
            double beta2,
            double eps,
            double dropout,
            double gradClip,
            long seed,
            int evalInterval,
            int evalBatches) {
        this(
                steps,
                batchSize,
                lr,
                minLr,
                warmupSteps,
                cosineDecay,
                weightDecay,
                beta1,
                beta2,
                eps,
                dropout,
                gradClip,
                seed,
                evalInterval,
                evalBatches,
                GptWeights.Init.GPT2,
                0);
    }

    /** This run with weight averaging at {@code decay} (0: off). */
    public TrainConfig withEmaDecay(double decay) {
        return new TrainConfig(
                steps,
                batchSize,
                lr,
                minLr,
                warmupSteps,
                cosineDecay,
                weightDecay,
                beta1,
                beta2,
                eps,
                dropout,
                gradClip,
                seed,
                evalInterval,
                evalBatches,
                init,
                decay);
    }

    public TrainConfig {
        java.util.Objects.requireNonNull(init, "init");
        positive("--steps", steps);
        positive("--batch-size", batchSize);
        positive("--eval-interval", evalInterval);
        positive("--eval-batches", evalBatches);
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new BadInputException("--lr must be a positive number, got %s", lr);
        }
        if (!(minLr >= 0) || minLr > lr) {
            throw new BadInputException("--min-lr must be in 0..--lr (%s), got %s", lr, minLr);
        }
        if (warmupSteps < 0) {
            throw new BadInputException("--warmup must be >= 0, got %d", warmupSteps);
        }
        if (!(weightDecay >= 0)) {
            throw new BadInputException("--weight-decay must be >= 0, got %s", weightDecay);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new BadInputException("--dropout must be in [0, 1), got %s", dropout);
        }
        if (!(gradClip >= 0)) {
            throw new BadInputException("--grad-clip must be >= 0 (0 = off), got %s", gradClip);
        }
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1) || !(eps > 0)) {
            throw new BadInputException(
                    "AdamW needs 0 <= beta1, beta2 < 1 and eps > 0, got %s, %s, %s", beta1, beta2, eps);
        }
        if (!(emaDecay >= 0 && emaDecay < 1)) {
            throw new BadInputException("--ema must be in [0, 1) (0 = off), got %s", emaDecay);
        }
    }

    /** The learning rate of step {@code step} (0-based). */
    public double lrAt(int step) {
        if (step < warmupSteps) {
            return lr * (step + 1) / warmupSteps;
        }
        if (!cosineDecay) {
            return lr;
        }
        int decaySteps = steps - warmupSteps;
        if (decaySteps <= 0 || step >= steps) {
            return minLr;
        }
        double progress = (double) (step - warmupSteps) / decaySteps;
        return minLr + 0.5 * (1 + Math.cos(Math.PI * progress)) * (lr - minLr);
    }

    private static void positive(String option, int value) {
        if (value < 1) {
            throw new BadInputException("%s must be >= 1, got %d", option, value);
        }
    }
}
