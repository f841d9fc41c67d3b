package io.headwise.cli;

import io.headwise.train.TrainProgress;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;

/**
 * {@code --quiet} for the length of one job: no training progress ({@link TrainProgress#setQuiet})
 * and our own log lines at WARN, so only warnings, errors and the job's results are printed. Jobs
 * started inside it (by {@code demo}) stay quiet; closing restores what was there before.
 */
final class Quiet implements AutoCloseable {

    /** The logger of every class of ours (conf/log4j2.properties sets it to INFO). */
    private static final String LOGGER = "io.headwise";

    private final boolean wasQuiet;
    private final Level level;

    private Quiet(boolean wasQuiet, Level level) {
        this.wasQuiet = wasQuiet;
        this.level = level;
    }

    /** Turns quiet on when {@code quiet}; otherwise leaves things as they are (a no-op close). */
    static Quiet set(boolean quiet) {
        boolean wasQuiet = TrainProgress.isQuiet();
        if (!quiet || wasQuiet) {
            return new Quiet(wasQuiet, null);
        }
        TrainProgress.setQuiet(true);
        Level level = LogManager.getLogger(LOGGER).getLevel();
        try {
            Configurator.setLevel(LOGGER, Level.WARN);
        } catch (LinkageError | RuntimeException e) {
            return new Quiet(false, null); // another logging back end (spark-submit's choice): progress only
        }
        return new Quiet(false, level);
    }

    @Override
    public void close() {
        if (!wasQuiet) {
            TrainProgress.setQuiet(false);
        }
        if (level != null) {
            Configurator.setLevel(LOGGER, level);
        }
    }
}
