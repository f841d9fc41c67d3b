package io.headwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import io.headwise.BadInputException;
import io.headwise.model.Analyzer;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.SampleResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingRunTest {

    private static final GptConfig TINY = GptConfig.of(27, 12, 16, 1, 2);

    static List<TrainingRun.Sample> corpus() {
        List<TrainingRun.Sample> samples = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            samples.add(new TrainingRun.Sample(1000 + i, new int[] {0, 1 + i % 26, 1 + (i * 7) % 26, 0}));
        }
        return samples;
    }

    static TrainingRun.Spec spec(Path dir, int steps, boolean resume, boolean overwrite) {
        return spec(
                dir,
                new TrainConfig(steps, 8, 1e-2, 1e-3, 2, true, 0.01, 0.9, 0.99, 1e-8, 0, 1.0, 5, 5, 2),
                resume,
                overwrite);
    }

    /** A constant rate after the warm-up: the schedule of step 10 does not depend on --steps. */
    static TrainingRun.Spec averaged(Path dir, int steps, boolean resume) {
        return spec(
                dir,
                new TrainConfig(steps, 8, 1e-2, 1e-2, 2, false, 0.01, 0.9, 0.99, 1e-8, 0, 1.0, 5, 5, 2)
                        .withEmaDecay(0.8),
                resume,
                false);
    }

    static TrainingRun.Spec spec(Path dir, TrainConfig train, boolean resume, boolean overwrite) {
        JsonObject meta = new JsonObject();
        meta.addProperty("preset", "test");
        return new TrainingRun.Spec(dir, TINY, train, null, true, 0.1, resume, overwrite, meta);
    }

    @Test
    void writesTheModelDirectoryAndResumes(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        TrainingRun.Result first = TrainingRun.run(spec(dir, 10, false, false), corpus(), System.err);
        assertThat(first.nTest()).isEqualTo(6);
        assertThat(Files.readAllLines(dir.resolve(TrainingRun.HELDOUT_FILE))).hasSize(6);
        List<String> curve = Files.readAllLines(dir.resolve(TrainingRun.CURVE_FILE));
        assertThat(curve).first().isEqualTo("step,train_loss,test_loss,lr,elapsed_seconds");
        assertThat(curve).hasSize(3);
        assertThat(Checkpoint.readConfig(dir)).isEqualTo(TINY);
        JsonObject meta = Checkpoint.readMetadata(dir);
        assertThat(meta.get("preset").getAsString()).isEqualTo("test");
        assertThat(meta.get("steps_done").getAsInt()).isEqualTo(first.best().step());

        assertThatThrownBy(() -> TrainingRun.run(spec(dir, 10, false, false), corpus(), System.err))
                .isInstanceOf(BadInputException.class)
                .hasMessage(
                        "%s already exists; pass --resume to continue training it or --overwrite to replace it", dir);

        TrainingRun.Result resumed = TrainingRun.run(spec(dir, 20, true, false), corpus(), System.err);
        assertThat(resumed.startStep()).isEqualTo(first.best().step());
        assertThat(resumed.last().step()).isEqualTo(20);
        assertThat(Files.readAllLines(dir.resolve(TrainingRun.CURVE_FILE)).get(curve.size() - 1))
                .startsWith("10,");

        TrainingRun.Result fresh = TrainingRun.run(spec(dir, 5, false, true), corpus(), System.err);
        assertThat(fresh.startStep()).isZero();
        assertThat(Files.readAllLines(dir.resolve(TrainingRun.CURVE_FILE))).hasSize(2);
    }

    /**
     * What a process killed while saving leaves: a half-written temporary file (the checkpoint it
     * replaces is whole: resume says what it removed and continues), or, killed between two renames,
     * an optimiser state newer than the config (refused, naming the file; --overwrite starts again).
     */
    @Test
    void aCheckpointCutShortWhileSavingIsReportedAndNeverResumedFromAsAMix(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        TrainingRun.run(spec(dir, 10, false, false), corpus(), System.err);
        Path partial = dir.resolve(Checkpoint.WEIGHTS_FILE + ".tmp");
        Files.write(partial, new byte[] {1, 2, 3});
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TrainingRun.Result resumed = TrainingRun.run(
                spec(dir, 15, true, false), corpus(), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(resumed.startStep()).isEqualTo(10);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("removed " + partial + ", a partial checkpoint file left by an interrupted save\n");
        assertThat(partial).doesNotExist();

        // The optimiser state of a later save, renamed into place before its weights and config.
        Path optimizer = dir.resolve(TrainingRun.OPTIMIZER_FILE);
        byte[] bytes = Files.readAllBytes(optimizer);
        bytes[bytes.length - 1] ^= 1;
        Files.write(optimizer, bytes);
        assertThatThrownBy(() -> TrainingRun.run(spec(dir, 20, true, false), corpus(), System.err))
                .isInstanceOf(BadInputException.class)
                .hasMessage(
                        "%s: partial checkpoint: optimizer.safetensors is not the one config.json was saved with (a run"
                                + " was killed while saving); pass --overwrite to train again from the start",
                        dir);
        assertThat(TrainingRun.run(spec(dir, 5, false, true), corpus(), System.err)
                        .startStep())
                .isZero();
    }

    /**
     * With a weight average, the checkpoint holds the average and the optimiser state the trained
     * weights, so that a run resumed at step 10 evaluates exactly as one run straight to 20.
     */
    @Test
    void aRunWithAWeightAverageResumesWhereItStopped(@TempDir Path tmp) throws IOException {
        Path straight = tmp.resolve("straight");
        Path resumed = tmp.resolve("resumed");
        TrainingRun.run(averaged(straight, 20, false), corpus(), System.err);
        TrainingRun.Result first = TrainingRun.run(averaged(resumed, 10, false), corpus(), System.err);
        assertThat(first.best().step()).isEqualTo(10); // so that the resumed run starts from step 10
        assertThat(Checkpoint.readMetadata(resumed)
                        .getAsJsonObject("train")
                        .get("ema")
                        .getAsDouble())
                .isEqualTo(0.8);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThat(Checkpoint.readTensors(resumed.resolve(TrainingRun.OPTIMIZER_FILE), manager))
                    .containsKey(WeightAverage.TRAINED_PREFIX + "wte.weight");
        }
        TrainingRun.run(averaged(resumed, 20, true), corpus(), System.err);
        List<String> a = Files.readAllLines(straight.resolve(TrainingRun.CURVE_FILE));
        List<String> b = Files.readAllLines(resumed.resolve(TrainingRun.CURVE_FILE));
        assertThat(b).hasSameSizeAs(a).hasSize(5);
        for (int i = 1; i < a.size(); i++) { // step, train and test loss; not the wall time
            String[] x = a.get(i).split(",");
            String[] y = b.get(i).split(",");
            assertThat(y[0]).isEqualTo(x[0]);
            assertThat(Double.parseDouble(y[1]))
                    .as("train loss at step %s", x[0])
                    .isCloseTo(Double.parseDouble(x[1]), within(1e-5));
            assertThat(Double.parseDouble(y[2]))
                    .as("held-out loss at step %s", x[0])
                    .isCloseTo(Double.parseDouble(x[2]), within(1e-5));
        }
    }

    /**
     * The saved checkpoint, read back and run through {@link Analyzer} (one right-padded batch, not
     * the trainer's evaluation code), gives the held-out loss the run recorded for it.
     */
    @Test
    void aSavedCheckpointReloadsWithItsHeldOutLoss(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        assertReloadsWithItsHeldOutLoss(dir, TrainingRun.run(spec(dir, 15, false, false), corpus(), System.err));
    }

    /** With --ema the checkpoint is the average, and it too reloads with the loss recorded for it. */
    @Test
    void anAveragedCheckpointReloadsWithItsHeldOutLoss(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("model");
        assertReloadsWithItsHeldOutLoss(dir, TrainingRun.run(averaged(dir, 15, false), corpus(), System.err));
    }

    private static void assertReloadsWithItsHeldOutLoss(Path dir, TrainingRun.Result run) throws IOException {
        Set<Long> heldOut = new HashSet<>();
        Files.readAllLines(dir.resolve(TrainingRun.HELDOUT_FILE)).forEach(line -> heldOut.add(Long.parseLong(line)));
        List<int[]> test = corpus().stream()
                .filter(s -> heldOut.contains(s.sampleId()))
                .map(TrainingRun.Sample::ids)
                .toList();
        assertThat(test).hasSize(6);

        double sum = 0;
        long targets = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(Checkpoint.read(dir, manager)), manager, 0, false);
            for (SampleResult r : analyzer.analyze(test)) {
                for (float loss : r.loss()) {
                    sum += loss;
                    targets++;
                }
            }
        }
        double saved = Checkpoint.readMetadata(dir).get("best_test_loss").getAsDouble();
        assertThat(saved).isEqualTo(run.best().testLoss());
        assertThat(sum / targets).isCloseTo(saved, within(1e-5));
        assertThat(saved).isLessThan(Math.log(27)); // it learned something: below a uniform guess
    }

    @Test
    void trainingIntoALogWritesPlainLinesWithoutCarriageReturns(@TempDir Path tmp) throws IOException {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainingRun.run(
                spec(tmp.resolve("model"), 10, false, false),
                corpus(),
                new PrintStream(log, true, StandardCharsets.UTF_8));

        String written = log.toString(StandardCharsets.UTF_8);
        assertThat(written).doesNotContain("\r");
        // 10 steps: 5 % of the run is less than a step, so every step has its line.
        assertThat(written.lines()).hasSize(10).allMatch(line -> line.matches("train \\d+/10 steps .*"));
        assertThat(written.lines().toList().get(9)).startsWith("train 10/10 steps (100 %)  loss ");
    }

    @Test
    void refusesAnEmptyCorpusAndResumingNothing(@TempDir Path tmp) {
        assertThatThrownBy(() -> TrainingRun.run(spec(tmp.resolve("m"), 5, false, false), List.of(), System.err))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("no samples");
        assertThatThrownBy(() -> TrainingRun.run(spec(tmp.resolve("m"), 5, true, false), corpus(), System.err))
                .isInstanceOf(BadInputException.class)
                .hasMessageContaining("nothing to resume");
    }
}
