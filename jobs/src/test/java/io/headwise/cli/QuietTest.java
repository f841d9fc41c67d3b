package io.headwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.train.TrainProgress;
import java.io.OutputStream;
import java.io.PrintStream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.junit.jupiter.api.Test;

class QuietTest {

    private static final PrintStream LOG = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void quietSilencesProgressAndInfoLinesUntilTheJobEnds() {
        Level before = LogManager.getLogger("io.headwise").getLevel();
        assertThat(TrainProgress.Mode.forStream(LOG)).isEqualTo(TrainProgress.Mode.LINES);

        try (Quiet outer = Quiet.set(true)) {
            assertThat(TrainProgress.Mode.forStream(LOG)).isEqualTo(TrainProgress.Mode.OFF);
            assertThat(LogManager.getLogger("io.headwise.jobs.TrainJob").isInfoEnabled())
                    .isFalse();
            assertThat(LogManager.getLogger("io.headwise.jobs.TrainJob").isWarnEnabled())
                    .isTrue();
            // demo's nested jobs have no --quiet of their own: they stay quiet, and do not undo it
            try (Quiet nested = Quiet.set(false)) {
                assertThat(TrainProgress.Mode.forStream(LOG)).isEqualTo(TrainProgress.Mode.OFF);
            }
            assertThat(TrainProgress.Mode.forStream(LOG)).isEqualTo(TrainProgress.Mode.OFF);
        }

        assertThat(TrainProgress.Mode.forStream(LOG)).isEqualTo(TrainProgress.Mode.LINES);
        assertThat(LogManager.getLogger("io.headwise").getLevel()).isEqualTo(before);
    }

    @Test
    void everyJobTakesQuiet() {
        var cli = Headwise.commandLine(LOG, LOG);
        for (var job : cli.getSubcommands().values()) {
            if (job.getCommand() instanceof JobCommand) {
                assertThat(job.getCommandSpec().findOption("--quiet"))
                        .as(job.getCommandName())
                        .isNotNull();
                assertThat(job.getCommandSpec().findOption("-q"))
                        .as(job.getCommandName())
                        .isNotNull();
            }
        }
    }
}
