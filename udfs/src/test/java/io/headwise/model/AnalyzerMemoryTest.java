package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every array a batch creates is freed with the batch: an executor analyses millions of samples
 * with one model, so anything left on the model's manager is a leak of native memory.
 */
class AnalyzerMemoryTest {

    @ParameterizedTest(name = "gradients={0}")
    @ValueSource(booleans = {false, true})
    void analysingLeavesNoArraysOnTheModelManager(boolean gradients) {
        try (NDManager manager = NDManager.newBaseManager()) {
            GptConfig config = TestModels.tiny();
            GptWeights weights = GptWeights.random(config, manager, 1);
            int parameters = weights.parameters().size();
            assertThat(manager.getManagedArrays()).hasSize(parameters);
            Analyzer analyzer = new Analyzer(new Gpt(weights), manager, 8, gradients);
            // Padding and a sample too short for gradients: the paths most likely to leave arrays.
            List<int[]> batch = List.of(TestModels.randomIds(config, 20, 1), TestModels.randomIds(config, 1, 2));
            for (int i = 0; i < 20; i++) { // a leak shows after the first batch; 20 rules out a slow one
                analyzer.analyze(batch);
                // getManagedArrays() counts sub-managers' arrays too, so an unclosed batch shows.
                assertThat(manager.getManagedArrays())
                        .as("arrays on the model manager after %d batches", i + 1)
                        .hasSize(parameters);
            }
        }
    }
}
