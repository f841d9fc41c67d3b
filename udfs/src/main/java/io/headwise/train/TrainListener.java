package io.headwise.train;

import java.io.IOException;

/** What a {@link GptTrainer} reports while it runs; the {@code train} job saves from here. */
public interface TrainListener {

    /** After each optimiser step (0-based {@code step}), with that step's batch loss. */
    default void onStep(int step, double loss, double lr, long tokens) {}

    /**
     * After each evaluation.
     *
     * @param best whether this evaluation has the lowest {@link Evaluation#selectionLoss()} so far
     *     (save the checkpoint now: the trainer's weights and optimiser state are those of it)
     */
    default void onEvaluation(Evaluation evaluation, boolean best) throws IOException {}

    /** When the run ends, normally or not. */
    default void onEnd() {}
}
