package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A sample's {@link SampleResult} does not depend on the batch it is in: right padding with
 * causal attention changes nothing before a sample's end, and per-sample loss weights keep the
 * gradients apart.
 */
class BatchingTest {

    /** Relative above 1, absolute below: float32 sums regrouped by a different batch shape. */
    private static final double TOLERANCE = 1e-5;

    private static final int[] LENGTHS = {1, 2, 5, 17, 20};

    private static NDManager manager;
    private static Analyzer analyzer;
    private static List<int[]> samples;
    private static List<SampleResult> alone;

    @BeforeAll
    static void analyseOneByOne() {
        manager = NDManager.newBaseManager();
        GptConfig config = TestModels.tiny();
        analyzer = new Analyzer(new Gpt(TestModels.peaked(config, manager, 3)), manager, 8, true);
        samples = new ArrayList<>();
        for (int i = 0; i < LENGTHS.length; i++) {
            samples.add(TestModels.randomIds(config, LENGTHS[i], 100 + i));
        }
        alone = new ArrayList<>();
        for (int[] ids : samples) {
            alone.add(analyzer.analyze(List.of(ids)).get(0));
        }
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** Seed 0: as listed; 1: reversed; others: shuffled by the seed. */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3})
    void batchedEqualsOneByOne(int order) {
        List<Integer> indices =
                new ArrayList<>(IntStream.range(0, samples.size()).boxed().toList());
        if (order == 1) {
            Collections.reverse(indices);
        } else if (order > 1) {
            Collections.shuffle(indices, new Random(order));
        }
        List<int[]> batch = indices.stream().map(samples::get).toList();
        List<SampleResult> results = analyzer.analyze(batch);
        assertThat(results).hasSize(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            assertSame(
                    results.get(i),
                    alone.get(indices.get(i)),
                    "length " + batch.get(i).length + " at batch index " + i);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 4})
    void aSingleTokenSampleHasNoGradientsEvenInABatchThatHas(int index) {
        List<SampleResult> results = analyzer.analyze(List.of(samples.get(index), samples.get(0)));
        assertThat(results.get(1).hasGradients()).isFalse();
        assertThat(results.get(1).loss()).isEmpty();
        assertThat(results.get(1).meanLoss()).isNaN();
        assertSame(results.get(1), alone.get(0), "length 1 after length " + LENGTHS[index]);
    }

    static void assertSame(SampleResult actual, SampleResult expected, String where) {
        assertThat(actual.tokenIds()).as(where).isEqualTo(expected.tokenIds());
        int layers = expected.patterns().length;
        for (int l = 0; l < layers; l++) {
            for (int h = 0; h < expected.patterns()[l].length; h++) {
                for (int q = 0; q < expected.length(); q++) {
                    close(
                            actual.patterns()[l][h][q],
                            expected.patterns()[l][h][q],
                            where + " pattern[" + l + "][" + h + "][" + q + "]");
                }
            }
            close(actual.residNorm()[l], expected.residNorm()[l], where + " resid_norm[" + l + "]");
            for (int q = 0; q < expected.length(); q++) {
                assertThat(actual.mlpTopIds()[l][q])
                        .as("%s mlp_top_ids[%d][%d]", where, l, q)
                        .isEqualTo(expected.mlpTopIds()[l][q]);
                close(
                        actual.mlpTopValues()[l][q],
                        expected.mlpTopValues()[l][q],
                        where + " mlp_top_values[" + l + "][" + q + "]");
            }
        }
        close(actual.loss(), expected.loss(), where + " loss");
        if (Double.isNaN(expected.meanLoss())) {
            assertThat(actual.meanLoss()).as("%s mean loss", where).isNaN();
        } else {
            close(
                    new float[] {(float) actual.meanLoss()},
                    new float[] {(float) expected.meanLoss()},
                    where + " mean loss");
        }
        assertThat(actual.hasGradients()).as("%s has gradients", where).isEqualTo(expected.hasGradients());
        if (expected.hasGradients()) {
            close(actual.gradNorm(), expected.gradNorm(), where + " grad_norm");
            close(actual.gradXInput(), expected.gradXInput(), where + " grad_x_input");
            for (int l = 0; l < layers; l++) {
                close(actual.headGrad()[l], expected.headGrad()[l], where + " head_grad[" + l + "]");
            }
        }
        assertThat(actual.nextTokenId()).as("%s next token", where).isEqualTo(expected.nextTokenId());
        close(new float[] {actual.nextTokenProb()}, new float[] {expected.nextTokenProb()}, where + " next token prob");
    }

    private static void close(float[] actual, float[] expected, String what) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            double tolerance = TOLERANCE * Math.max(1, Math.abs(expected[i]));
            if (!(Math.abs(actual[i] - expected[i]) <= tolerance)) {
                assertThat(actual[i]).as("%s[%d]", what, i).isEqualTo(expected[i]);
            }
        }
    }
}
