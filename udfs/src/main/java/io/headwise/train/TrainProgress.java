package io.headwise.train;

import io.headwise.BadInputException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress on {@code err}: steps, the batch loss, the rate and the last held-out loss.
 *
 * <p>How it is shown depends on where {@code err} goes ({@link Mode#forStream}). On a terminal it
 * is a bar with an ETA, redrawn in place twice a second. Anywhere else (a file, a pipe, {@code
 * spark-submit}'s log, CI) redrawing would leave thousands of carriage-return frames on one line,
 * so it is a plain line, written when at least {@link #LINE_INTERVAL_NANOS 10 s} have passed since
 * the previous one or the run has advanced {@link #LINE_FRACTION 5 %} of its steps, and once more
 * at the last step. {@code --quiet} turns it off ({@link #setQuiet}).
 */
public final class TrainProgress implements TrainListener {

    /** How progress is shown. */
    public enum Mode {
        /** A bar redrawn in place (carriage returns): for a terminal only. */
        BAR,
        /** A plain line now and then: for logs. */
        LINES,
        /** Nothing. */
        OFF;

        /** Overrides the choice of {@link #forStream}: {@code bar}, {@code lines} or {@code off}. */
        public static final String PROPERTY = "headwise.progress";

        /**
         * {@link #OFF} under {@code --quiet}; else the {@value #PROPERTY} system property when set;
         * else {@link #BAR} when {@code err} is this process's stderr and that is a terminal, and
         * {@link #LINES} otherwise.
         */
        public static Mode forStream(PrintStream err) {
            if (quiet) {
                return OFF;
            }
            String chosen = System.getProperty(PROPERTY);
            if (chosen != null && !chosen.isBlank()) {
                try {
                    return Mode.valueOf(chosen.trim().toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new BadInputException("-D%s must be bar, lines or off, got '%s'", PROPERTY, chosen);
                }
            }
            return err == System.err && stderrIsTerminal() ? BAR : LINES;
        }

        /** Linux: file descriptor 2 links to a terminal device ({@code /dev/pts/N}, {@code /dev/ttyN}). */
        private static boolean stderrIsTerminal() {
            try {
                String target =
                        Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (Exception e) {
                return false; // not Linux, or no /proc: a log is the safe guess
            }
        }
    }

    /** A plain line at most this often, unless {@link #LINE_FRACTION} of the run passed. */
    static final long LINE_INTERVAL_NANOS = 10_000_000_000L;

    /** A plain line at least once per this fraction of the run's steps. */
    static final double LINE_FRACTION = 0.05;

    private static volatile boolean quiet;

    private final PrintStream err;
    private final int steps;
    private final int startStep;
    private final Mode mode;
    private final LongSupplier nanoClock;
    private ProgressBar bar;
    private String lastEval = "";
    private final long startNanos;
    private long lastLineNanos;
    private int lastLineStep;

    /**
     * Created just before the first step: its rate counts from here.
     *
     * @param startStep steps already done (a resumed run starts there)
     */
    public TrainProgress(PrintStream err, int startStep, int steps) {
        this(err, startStep, steps, Mode.forStream(err), System::nanoTime);
    }

    /** With the mode and the clock ({@link System#nanoTime} in a real run) given. */
    TrainProgress(PrintStream err, int startStep, int steps, Mode mode, LongSupplier nanoClock) {
        this.err = err;
        this.startStep = startStep;
        this.steps = steps;
        this.mode = mode;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
        this.lastLineNanos = startNanos;
        this.lastLineStep = startStep;
    }

    /** {@code --quiet}: no progress from the runs that start while it is set, in this JVM. */
    public static void setQuiet(boolean value) {
        quiet = value;
    }

    /** Whether {@link #setQuiet} is on. */
    public static boolean isQuiet() {
        return quiet;
    }

    @Override
    public void onStep(int step, double loss, double lr, long tokens) {
        switch (mode) {
            case BAR -> bar(step, String.format(Locale.ROOT, " loss %.4f lr %.2e%s", loss, lr, lastEval));
            case LINES -> line(step, String.format(Locale.ROOT, "  loss %.4f  lr %.2e%s", loss, lr, lastEval));
            case OFF -> {}
        }
    }

    private void bar(int step, String extra) {
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
        bar.setExtraMessage(extra);
    }

    private void line(int step, String values) {
        long now = nanoClock.getAsLong();
        int done = step + 1;
        boolean last = done >= steps;
        if (!last
                && now - lastLineNanos < LINE_INTERVAL_NANOS
                && done - lastLineStep < Math.max(1, LINE_FRACTION * steps)) {
            return;
        }
        double seconds = (now - startNanos) / 1e9;
        double rate = seconds > 0 ? (done - startStep) / seconds : Double.NaN;
        String eta = last || !(rate > 0) ? "" : "  eta " + duration((steps - done) / rate);
        err.printf(
                Locale.ROOT,
                "train %,d/%,d steps (%d %%)%s  %s steps/s  elapsed %s%s%n",
                done,
                steps,
                (int) Math.floor(100.0 * done / steps),
                values,
                Double.isNaN(rate) ? "-" : String.format(Locale.ROOT, "%.1f", rate),
                duration(seconds),
                eta);
        err.flush();
        lastLineNanos = now;
        lastLineStep = done;
    }

    /** {@code 42 s}, {@code 3 min 07 s}, {@code 1 h 02 min}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    @Override
    public void onEvaluation(Evaluation evaluation, boolean best) {
        lastEval = Double.isNaN(evaluation.testLoss())
                ? ""
                : String.format(Locale.ROOT, "%stest %.4f", mode == Mode.LINES ? "  " : " ", evaluation.testLoss());
    }

    @Override
    public void onEnd() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
