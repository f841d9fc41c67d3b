package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Interventions run as one batch ({@link InterventionPass}, {@link HeadEdits}) against {@link
 * NaiveGpt}, which applies each edit in plain loops: Δ per sample within 1e-6 for every kind and
 * for joint interventions, on the peaked random models of {@link NaiveGptAgreementTest}.
 */
class InterventionAgreementTest {

    /** Δ per sample, float32 batched against double naive (SPEC §5, issue's bar). */
    private static final double DELTA_TOLERANCE = 1e-6;

    private static NDManager manager;

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager();
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    static Stream<Arguments> configs() {
        return NaiveGptAgreementTest.configs();
    }

    /** Every single-head zero and mean ablation, merges at several α, and joint ones. */
    static List<Intervention> interventions(GptConfig config) {
        List<Intervention> all = new ArrayList<>();
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                all.add(Intervention.of(new Intervention.Zero(l, h)));
                all.add(Intervention.of(new Intervention.Mean(l, h)));
            }
        }
        for (String spec : List.of(
                "merge 0.0+1",
                "merge 1.2+0@0",
                "merge 2.1+2@1",
                "merge 1.1+2@0.3",
                "merge 0.2+2@0.7", // a head with itself
                "zero 0.1 & zero 2.2",
                "zero 1.0 & mean 1.1 & merge 1.0+2@0.25",
                "mean 0.0 & mean 1.0 & mean 2.0",
                "merge 0.0+1@0.6 & merge 2.0+2 & zero 2.1 & mean 1.1")) {
            all.add(Intervention.parse(spec, config));
        }
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void deltasAgreeWithTheNaiveModel(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, 42);
        NaiveGpt naive = TestModels.naive(weights);
        List<int[]> batch = List.of(NaiveGptAgreementTest.samples(config));
        double[][][] naiveMean = naiveZMean(naive, batch, config);
        float[][][] zMean = new InterventionPass(new Gpt(weights), manager, 1 << 20)
                .zSum(batch)
                .mean();
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                for (int i = 0; i < config.dHead(); i++) {
                    assertThat((double) zMean[l][h][i])
                            .as("z̄[%d][%d][%d]", l, h, i)
                            .isCloseTo(naiveMean[l][h][i], within(1e-5 * Math.max(1, Math.abs(naiveMean[l][h][i]))));
                }
            }
        }
        List<Intervention> interventions = new ArrayList<>();
        interventions.add(Intervention.none());
        interventions.addAll(interventions(config));
        // Small passes too: the split into passes must not change a number.
        for (int maxRows : new int[] {1 << 20, 5}) {
            float[][][] losses =
                    new InterventionPass(new Gpt(weights), manager, maxRows).tokenLosses(batch, interventions, zMean);
            double[] largest = new double[interventions.size()];
            for (int s = 0; s < batch.size(); s++) {
                int[] ids = batch.get(s);
                double base = naive.forward(ids).meanLoss();
                assertThat(InterventionPass.meanLoss(losses[0][s])).isCloseTo(base, within(1e-5));
                for (int k = 1; k < interventions.size(); k++) {
                    Intervention intervention = interventions.get(k);
                    double expected =
                            naive.forward(ids, intervention, naiveMean).meanLoss() - base;
                    double actual = InterventionPass.meanLoss(losses[k][s]) - InterventionPass.meanLoss(losses[0][s]);
                    assertThat(losses[k][s]).hasSize(ids.length - 1);
                    largest[k] = Math.max(largest[k], Math.abs(expected));
                    assertThat(actual)
                            .as("Δ of sample %d under %s (maxRows %d)", s, intervention.text(), maxRows)
                            .isCloseTo(expected, within(DELTA_TOLERANCE));
                }
            }
            for (int k = 1; k < interventions.size(); k++) {
                // Otherwise agreement would say little: every intervention here but the merge of a
                // head with itself changes the loss.
                if (interventions.get(k).note().isPresent()) {
                    assertThat(largest[k])
                            .as("|Δ| under %s", interventions.get(k).text())
                            .isLessThan(1e-12);
                    continue;
                }
                assertThat(largest[k])
                        .as("largest |Δ| under %s", interventions.get(k).text())
                        .isGreaterThan(1e-3);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void headGradAgreesWithFiniteDifferences(String name, GptConfig config) {
        GptWeights weights = TestModels.peaked(config, manager, 42);
        NaiveGpt naive = TestModels.naive(weights);
        List<int[]> batch = List.of(NaiveGptAgreementTest.samples(config));
        float[][][] grads = new InterventionPass(new Gpt(weights), manager, 64).headGrad(batch);
        for (int s = 0; s < batch.size(); s++) {
            int[] ids = batch.get(s);
            double[][] expected = NaiveGptAgreementTest.gateGradient(naive, ids, naive.embed(ids), config);
            double largest = 0;
            for (double[] row : expected) {
                for (double g : row) {
                    largest = Math.max(largest, Math.abs(g));
                }
            }
            assertThat(largest).isGreaterThan(1e-2);
            for (int l = 0; l < config.nLayer(); l++) {
                for (int h = 0; h < config.nHead(); h++) {
                    assertThat((double) grads[s][l][h])
                            .as("head_grad[%d][%d] of sample %d", l, h, s)
                            .isCloseTo(
                                    expected[l][h], within(1e-3 * Math.max(Math.abs(expected[l][h]), 1e-3 * largest)));
                }
            }
        }
    }

    /** {@code z̄} of the naive model: each head's z averaged over every position of every sample. */
    static double[][][] naiveZMean(NaiveGpt naive, List<int[]> batch, GptConfig config) {
        int d = config.dHead();
        double[][][] mean = new double[config.nLayer()][config.nHead()][d];
        int positions = 0;
        for (int[] ids : batch) {
            double[][][] z = naive.forward(ids).z();
            positions += ids.length;
            for (int l = 0; l < config.nLayer(); l++) {
                for (double[] row : z[l]) {
                    for (int h = 0; h < config.nHead(); h++) {
                        for (int i = 0; i < d; i++) {
                            mean[l][h][i] += row[h * d + i];
                        }
                    }
                }
            }
        }
        for (double[][] layer : mean) {
            for (double[] head : layer) {
                for (int i = 0; i < d; i++) {
                    head[i] /= positions;
                }
            }
        }
        return mean;
    }
}
