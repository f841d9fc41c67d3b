package io.headwise.train;

/**
 * One point of the training curve ({@code curve.csv}).
 *
 * @param step optimiser steps done
 * @param trainLoss token-weighted mean next-token NLL (nats) over the fixed training eval samples
 * @param testLoss the same over the held-out samples, NaN without a held-out set
 * @param lr the learning rate of the last step
 * @param elapsedSeconds wall time of the run so far (resumed runs include earlier sessions)
 * @param tokens target tokens trained on so far
 */
public record Evaluation(int step, double trainLoss, double testLoss, double lr, double elapsedSeconds, long tokens) {

    /** The loss that selects the best checkpoint: held-out when there is one, else train. */
    public double selectionLoss() {
        return Double.isNaN(testLoss) ? trainLoss : testLoss;
    }
}
