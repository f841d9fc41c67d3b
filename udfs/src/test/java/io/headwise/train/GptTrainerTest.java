package io.headwise.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.headwise.BadInputException;
import io.headwise.model.Checkpoint;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The training loop on the first names of names.txt, char-level as makemore (`.` = 0, a–z = 1–26). */
class GptTrainerTest {

    private static final GptConfig TINY = GptConfig.of(27, 17, 32, 2, 2);
    private static List<int[]> train;
    private static List<int[]> test;

    @BeforeAll
    static void names() throws IOException {
        List<String> names = Files.readAllLines(Fixtures.datasets().resolve("names.txt"));
        train = new ArrayList<>();
        test = new ArrayList<>();
        for (int i = 0; i < 240; i++) {
            (i < 200 ? train : test).add(encode(names.get(i * 100)));
        }
    }

    static int[] encode(String name) {
        int[] ids = new int[name.length() + 2];
        for (int i = 0; i < name.length(); i++) {
            ids[i + 1] = name.charAt(i) - 'a' + 1;
        }
        return ids;
    }

    static TrainConfig config(int steps, double lr, double dropout, long seed) {
        return new TrainConfig(steps, 32, lr, lr / 10, 10, true, 0.01, 0.9, 0.99, 1e-8, dropout, 1.0, seed, 50, 4);
    }

    @Test
    void lossFallsWellBelowUniform() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = GptWeights.random(TINY, manager, 1);
            List<Evaluation> curve = new ArrayList<>();
            try (GptTrainer trainer = new GptTrainer(weights, config(150, 1e-2, 0, 1), manager)) {
                trainer.addListener(new TrainListener() {
                    @Override
                    public void onEvaluation(Evaluation e, boolean best) {
                        curve.add(e);
                    }
                });
                Evaluation last = trainer.train(train, test);
                assertThat(curve).extracting(Evaluation::step).containsExactly(50, 100, 150);
                assertThat(last.trainLoss()).isLessThan(Math.log(27) - 0.8);
                assertThat(last.testLoss()).isLessThan(Math.log(27) - 0.5);
                assertThat(last.tokens()).isPositive();
            }
        }
    }

    @Test
    void sameSeedSameLossesBitForBit() {
        assertThat(stepLosses(7)).isEqualTo(stepLosses(7)).isNotEqualTo(stepLosses(8));
    }

    private static List<Double> stepLosses(long seed) {
        List<Double> losses = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = GptWeights.random(TINY, manager, seed);
            try (GptTrainer trainer = new GptTrainer(weights, config(15, 1e-2, 0.1, seed), manager)) {
                trainer.addListener(new TrainListener() {
                    @Override
                    public void onStep(int step, double loss, double lr, long tokens) {
                        losses.add(loss);
                    }
                });
                Evaluation last = trainer.train(train, test);
                losses.add(last.testLoss());
            }
        }
        return losses;
    }

    /**
     * With {@code --ema d} the average follows {@code a ← d·a + (1 − d)·w} from the initial weights
     * (checked against the weights recorded after each step), the evaluation and the listeners see
     * the average, and training goes on with the trained weights.
     */
    @Test
    void theWeightAverageFollowsItsRecurrenceAndIsWhatIsEvaluated() {
        double decay = 0.6;
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = GptWeights.random(TINY, manager, 4);
            String name = "h.0.attn.c_attn.weight";
            float[] initial = weights.asMap().get(name).toFloatArray();
            List<float[]> afterStep = new ArrayList<>();
            double[] inListener = new double[1];
            try (GptTrainer trainer =
                    new GptTrainer(weights, config(6, 1e-2, 0, 4).withEmaDecay(decay), manager)) {
                trainer.addListener(new TrainListener() {
                    @Override
                    public void onStep(int step, double loss, double lr, long tokens) {
                        afterStep.add(weights.asMap().get(name).toFloatArray());
                    }

                    @Override
                    public void onEvaluation(Evaluation e, boolean best) {
                        inListener[0] = trainer.evaluate(test);
                        assertThat(trainer.average().swapped()).isTrue();
                    }
                });
                Evaluation last = trainer.train(train, test);

                double[] expected = new double[initial.length];
                for (int i = 0; i < initial.length; i++) {
                    expected[i] = initial[i];
                }
                for (float[] w : afterStep) {
                    for (int i = 0; i < w.length; i++) {
                        expected[i] = decay * expected[i] + (1 - decay) * w[i];
                    }
                }
                float[] average = trainer.average().averaged().get(name).toFloatArray();
                assertThat(afterStep).hasSize(6);
                assertThat(trainer.average().swapped()).isFalse();
                for (int i = 0; i < average.length; i++) {
                    assertThat((double) average[i]).as("element %d", i).isCloseTo(expected[i], within(1e-6));
                }
                assertThat(weights.asMap().get(name).toFloatArray()).isEqualTo(afterStep.get(5));
                assertThat(last.testLoss()).isEqualTo(inListener[0]);
                assertThat(Math.abs(trainer.evaluate(test) - last.testLoss()))
                        .isGreaterThan(1e-4); // the trained weights differ
            }
        }
    }

    @Test
    void divergenceStopsNamingStepAndRate() {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = GptWeights.random(TINY, manager, 1);
            TrainConfig crazy = new TrainConfig(50, 32, 1e9, 0, 0, false, 0, 0.9, 0.99, 1e-8, 0, 0, 1, 50, 1);
            try (GptTrainer trainer = new GptTrainer(weights, crazy, manager)) {
                assertThatThrownBy(() -> trainer.train(train, test))
                        .isInstanceOf(BadInputException.class)
                        .hasMessageMatching(
                                "training diverged: the loss is (NaN|infinite) at step \\d+ \\(learning rate 1\\.00e\\+09\\).*");
            }
        }
    }

    @Test
    void savedCheckpointLoadsBackWithTheSameHeldOutLoss(@TempDir Path dir) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptWeights weights = GptWeights.random(TINY, manager, 3);
            double trained;
            try (GptTrainer trainer = new GptTrainer(weights, config(20, 1e-2, 0.1, 3), manager)) {
                trained = trainer.train(train, test).testLoss();
                Checkpoint.write(dir, weights, null, null);
            }
            GptWeights loaded = Checkpoint.read(dir, manager);
            try (GptTrainer reloaded = new GptTrainer(loaded, config(20, 1e-2, 0.1, 3), manager)) {
                assertThat(reloaded.evaluate(test)).isCloseTo(trained, within(1e-6));
            }
        }
    }

    @Test
    void samplesThatDoNotFitAreRefused() {
        try (NDManager manager = NDManager.newBaseManager();
                GptTrainer trainer =
                        new GptTrainer(GptWeights.random(TINY, manager, 1), config(5, 1e-3, 0, 1), manager)) {
            assertThatThrownBy(() -> trainer.train(List.of(new int[] {0, 27}), List.of()))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("token id 27");
            assertThatThrownBy(() -> trainer.train(List.of(new int[20]), List.of()))
                    .isInstanceOf(BadInputException.class)
                    .hasMessageContaining("20 tokens");
        }
    }
}
