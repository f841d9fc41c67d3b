package io.headwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headwise.BadInputException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TrainProgressTest {

    private static final Pattern LINE = Pattern.compile("^train ([\\d,]+)/([\\d,]+) steps \\((\\d+) %\\)  loss .*");

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @AfterEach
    void notQuiet() {
        TrainProgress.setQuiet(false);
    }

    /** Runs {@code steps} steps of {@code secondsPerStep} each on a clock the test controls. */
    private String run(TrainProgress.Mode mode, int startStep, int steps, double secondsPerStep) {
        long[] now = {0};
        TrainProgress progress = new TrainProgress(err, startStep, steps, mode, () -> now[0]);
        for (int step = startStep; step < steps; step++) {
            now[0] = Math.round((step + 1 - startStep) * secondsPerStep * 1e9);
            progress.onStep(step, 2.5 - step * 1e-3, 1e-3, 1000L * step);
            if (step == steps / 2) {
                progress.onEvaluation(new Evaluation(step, 2.1, 2.2345, 1e-3, 0, 0), true);
            }
        }
        progress.onEnd();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The step each line reports, checking that every line is a plain progress line. */
    private static List<Integer> stepsOf(String log) {
        List<Integer> steps = new ArrayList<>();
        for (String line : log.split("\n")) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            steps.add(Integer.parseInt(m.group(1).replace(",", "")));
        }
        return steps;
    }

    @Test
    void aSlowRunWritesOneLinePerTenSeconds() {
        double secondsPerStep = 0.37; // 1,000 steps in 370 s; 5 % of the run is 18.5 s
        String log = run(TrainProgress.Mode.LINES, 0, 1000, secondsPerStep);

        assertThat(log).doesNotContain("\r");
        List<Integer> steps = stepsOf(log);
        int previous = 0;
        for (int step : steps.subList(0, steps.size() - 1)) {
            assertThat((step - previous) * secondsPerStep)
                    .as("seconds before step %d", step)
                    .isGreaterThanOrEqualTo(10);
            assertThat((step - previous) * secondsPerStep)
                    .as("seconds before step %d", step)
                    .isLessThan(10.4);
            previous = step;
        }
        assertThat(steps).hasSize(36).endsWith(1000); // 35 lines, 28 steps (10.36 s) apart, and the last step
        assertThat(log).contains("train 1,000/1,000 steps (100 %)  loss 1.5010  lr 1.00e-03  test 2.2345");
        assertThat(log).contains("2.7 steps/s  elapsed 6 min 10 s\n");
        assertThat(log.lines().findFirst().orElseThrow())
                .isEqualTo("train 28/1,000 steps (2 %)  loss 2.4730  lr 1.00e-03  2.7 steps/s  elapsed 10 s"
                        + "  eta 6 min 00 s");
    }

    @Test
    void aFastRunWritesOneLinePerFivePercent() {
        String log = run(TrainProgress.Mode.LINES, 0, 1000, 0.005);

        assertThat(log).doesNotContain("\r");
        List<Integer> expected = new ArrayList<>();
        for (int step = 50; step <= 1000; step += 50) {
            expected.add(step);
        }
        assertThat(stepsOf(log)).isEqualTo(expected);
    }

    @Test
    void aResumedRunCountsFromWhereItStarted() {
        String log = run(TrainProgress.Mode.LINES, 600, 1000, 0.005);

        assertThat(stepsOf(log)).startsWith(650, 700).endsWith(1000).hasSize(8);
        assertThat(log).contains("200.0 steps/s");
    }

    @Test
    void onATerminalItRedrawsABarAndQuietWritesNothing() {
        assertThat(run(TrainProgress.Mode.BAR, 0, 100, 0.6)).contains("\r").contains("train");

        bytes.reset();
        assertThat(run(TrainProgress.Mode.OFF, 0, 100, 0.6)).isEmpty();
    }

    @Test
    void theModeFollowsTheStreamAndQuiet() {
        assertThat(System.getProperty(TrainProgress.Mode.PROPERTY)).isNull();
        assertThat(TrainProgress.Mode.forStream(err)).isEqualTo(TrainProgress.Mode.LINES);

        TrainProgress.setQuiet(true);
        assertThat(TrainProgress.Mode.forStream(err)).isEqualTo(TrainProgress.Mode.OFF);
        assertThat(TrainProgress.Mode.forStream(System.err)).isEqualTo(TrainProgress.Mode.OFF);
    }

    @Test
    void theModeCanBeChosenAndAWrongChoiceIsNamed() {
        try {
            System.setProperty(TrainProgress.Mode.PROPERTY, "bar");
            assertThat(TrainProgress.Mode.forStream(err)).isEqualTo(TrainProgress.Mode.BAR);
            System.setProperty(TrainProgress.Mode.PROPERTY, "Lines ");
            assertThat(TrainProgress.Mode.forStream(System.err)).isEqualTo(TrainProgress.Mode.LINES);
            System.setProperty(TrainProgress.Mode.PROPERTY, "frames");
            assertThatThrownBy(() -> TrainProgress.Mode.forStream(err))
                    .isInstanceOf(BadInputException.class)
                    .hasMessage("-Dheadwise.progress must be bar, lines or off, got 'frames'");
        } finally {
            System.clearProperty(TrainProgress.Mode.PROPERTY);
        }
    }

    @Test
    void durationsReadAsMinutesAndHours() {
        assertThat(TrainProgress.duration(9.6)).isEqualTo("10 s");
        assertThat(TrainProgress.duration(187)).isEqualTo("3 min 07 s");
        assertThat(TrainProgress.duration(3720)).isEqualTo("1 h 02 min");
    }
}
