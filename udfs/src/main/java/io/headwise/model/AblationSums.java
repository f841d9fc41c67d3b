package io.headwise.model;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What {@code head_ablation} needs of each intervention, summed over the samples one task saw:
 * the per-sample Δ's count, mean and sum of squared deviations (Welford's update, merged with Chan
 * et al.'s formula, as Spark's {@code stddev_samp} merges its partial aggregates), the samples it
 * hurt, its largest Δ, the prediction-weighted loss sums and {@code −head_grad}'s sum. A task
 * adds its samples, the driver {@link #merge}s the tasks' sums; the rows themselves never leave
 * the task unless {@code --per-sample} asks for them.
 */
public final class AblationSums implements Serializable {

    private static final long serialVersionUID = 1L;

    private final long[] samples;
    private final long[] predictions;
    private final double[] baseSum;
    private final double[] lossSum;
    private final double[] deltaMean;
    private final double[] deltaM2;
    private final long[] hurt;
    private final double[] maxDelta;
    private final double[] negGradSum;
    private final long[] negGradCount;

    /** Empty sums for {@code interventions} interventions. */
    public AblationSums(int interventions) {
        samples = new long[interventions];
        predictions = new long[interventions];
        baseSum = new double[interventions];
        lossSum = new double[interventions];
        deltaMean = new double[interventions];
        deltaM2 = new double[interventions];
        hurt = new long[interventions];
        maxDelta = new double[interventions];
        Arrays.fill(maxDelta, Double.NEGATIVE_INFINITY);
        negGradSum = new double[interventions];
        negGradCount = new long[interventions];
    }

    public int interventions() {
        return samples.length;
    }

    /**
     * Adds one sample under intervention {@code k}.
     *
     * @param nPredictions the sample's next-token predictions (tokens − 1)
     * @param base the model's mean loss over them
     * @param loss the mean loss under the intervention
     * @param negHeadGrad {@code −head_grad} of the ablated head, or NaN when it has none
     */
    public void add(int k, int nPredictions, double base, double loss, double negHeadGrad) {
        double delta = loss - base;
        long n = ++samples[k];
        predictions[k] += nPredictions;
        baseSum[k] += base * nPredictions;
        lossSum[k] += loss * nPredictions;
        double step = delta - deltaMean[k];
        deltaMean[k] += step / n;
        deltaM2[k] += step * (delta - deltaMean[k]);
        if (delta > 0) {
            hurt[k]++;
        }
        maxDelta[k] = Math.max(maxDelta[k], delta);
        if (!Double.isNaN(negHeadGrad)) {
            negGradSum[k] += negHeadGrad;
            negGradCount[k]++;
        }
    }

    /** Adds {@code other}'s samples to these sums; returns this. */
    public AblationSums merge(AblationSums other) {
        if (other.interventions() != interventions()) {
            throw new IllegalArgumentException(
                    "sums of " + other.interventions() + " interventions merged into " + interventions());
        }
        for (int k = 0; k < samples.length; k++) {
            long n1 = samples[k];
            long n2 = other.samples[k];
            if (n2 == 0) {
                continue;
            }
            long n = n1 + n2;
            double step = other.deltaMean[k] - deltaMean[k];
            deltaMean[k] += step * n2 / n;
            deltaM2[k] += other.deltaM2[k] + step * step * ((double) n1 * n2 / n);
            samples[k] = n;
            predictions[k] += other.predictions[k];
            baseSum[k] += other.baseSum[k];
            lossSum[k] += other.lossSum[k];
            hurt[k] += other.hurt[k];
            maxDelta[k] = Math.max(maxDelta[k], other.maxDelta[k]);
            negGradSum[k] += other.negGradSum[k];
            negGradCount[k] += other.negGradCount[k];
        }
        return this;
    }

    /** Samples measured under intervention {@code k}. */
    public long samples(int k) {
        return samples[k];
    }

    /** Their next-token predictions. */
    public long predictions(int k) {
        return predictions[k];
    }

    /** The model's loss over every prediction (each sample's mean loss weighted by its predictions). */
    public double baseLoss(int k) {
        return baseSum[k] / predictions[k];
    }

    /** The loss under the intervention over every prediction. */
    public double loss(int k) {
        return lossSum[k] / predictions[k];
    }

    /** The mean of the per-sample Δ. */
    public double deltaMean(int k) {
        return deltaMean[k];
    }

    /** The sample standard deviation of the per-sample Δ; NaN for fewer than two samples. */
    public double deltaStd(int k) {
        return samples[k] < 2 ? Double.NaN : Math.sqrt(deltaM2[k] / (samples[k] - 1));
    }

    /** The fraction of samples whose loss the intervention raised (Δ &gt; 0). */
    public double fracHurt(int k) {
        return (double) hurt[k] / samples[k];
    }

    /** The largest per-sample Δ. */
    public double maxDelta(int k) {
        return maxDelta[k];
    }

    /** The mean of {@code −head_grad} over the samples, or NaN when the intervention has none. */
    public double gradProxy(int k) {
        return negGradCount[k] == 0 ? Double.NaN : negGradSum[k] / negGradCount[k];
    }
}
