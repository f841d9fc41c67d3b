package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

    @Test
    void topOneIsGreedyAndTopKStaysInTheTopK() {
        float[] logits = {0f, 3f, 1f, 2f};
        Random random = new Random(1);
        for (int i = 0; i < 50; i++) {
            assertThat(Sampler.draw(logits, 1.0, 1, random)).isEqualTo(1);
            assertThat(Sampler.draw(logits, 1.0, 2, random)).isIn(1, 3);
        }
        // a very low temperature is greedy too
        assertThat(Sampler.draw(logits, 1e-3, 0, random)).isEqualTo(1);
    }

    @Test
    void generationStopsAtTheStopTokenOrTheContextAndIsSeeded() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Sampler sampler =
                    new Sampler(new Gpt(GptWeights.random(GptConfig.of(5, 8, 16, 1, 2), manager, 1)), manager);
            int[] a = sampler.generate(new int[] {0}, 1.0, 0, 0, new Random(3));
            int[] b = sampler.generate(new int[] {0}, 1.0, 0, 0, new Random(3));
            assertThat(a).isEqualTo(b);
            assertThat(a.length).isBetween(2, 8);
            if (a.length < 8) {
                assertThat(a[a.length - 1]).isZero();
            }
            assertThat(sampler.generate(new int[] {1, 2}, 1.0, 0, -1, new Random(3)))
                    .hasSize(8)
                    .startsWith(1, 2);
        }
    }
}
