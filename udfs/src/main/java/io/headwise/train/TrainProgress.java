package io.headwise.train;

import java.io.PrintStream;
import java.time.Duration;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A progress bar with ETA on {@code err}: steps, the batch loss, the rate and the last held-out
 * loss. Opened lazily on the first step, closed at the end of the run.
 */
public final class TrainProgress implements TrainListener {

    private final PrintStream err;
    private final int steps;
    private final int startStep;
    private ProgressBar bar;
    private String lastEval = "";

    /**
     * @param startStep steps already done (a resumed run starts the bar there)
     */
    public TrainProgress(PrintStream err, int startStep, int steps) {
        this.err = err;
        this.startStep = startStep;
        this.steps = steps;
    }

    @Override
    public void onStep(int step, double loss, double lr, long tokens) {
        if (bar == null) {
            bar = new ProgressBarBuilder()
                    .setTaskName("train")
                    .setInitialMax(steps)
                    .startsFrom(startStep, Duration.ZERO)
                    .setStyle(ProgressBarStyle.ASCII)
                    .setConsumer(new ConsoleProgressBarConsumer(err, 120))
                    .setUpdateIntervalMillis(500)
                    .showSpeed()
                    .build();
        }
        bar.stepTo(step + 1L);
        bar.setExtraMessage(String.format(" loss %.4f lr %.2e%s", loss, lr, lastEval));
    }

    @Override
    public void onEvaluation(Evaluation evaluation, boolean best) {
        lastEval = Double.isNaN(evaluation.testLoss()) ? "" : String.format(" test %.4f", evaluation.testLoss());
    }

    @Override
    public void onEnd() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
