package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Gradient passes on several threads at once give each thread its own, unchanged gradients, and
 * their backward calls take turns.
 */
class GradientScopeTest {

    private static final GptConfig CONFIG = GptConfig.of(27, 16, 32, 2, 4);

    @Test
    void concurrentBackwardPassesEqualSequentialOnes() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(GptWeights.random(CONFIG, manager, 3)), manager, 2, true);
            List<List<int[]>> batches = new ArrayList<>();
            Random random = new Random(5);
            for (int b = 0; b < 8; b++) {
                List<int[]> batch = new ArrayList<>();
                for (int s = 0; s < 4; s++) {
                    int[] ids = new int[2 + random.nextInt(14)];
                    for (int p = 0; p < ids.length; p++) {
                        ids[p] = random.nextInt(CONFIG.vocabSize());
                    }
                    batch.add(ids);
                }
                batches.add(batch);
            }
            List<List<SampleResult>> sequential = new ArrayList<>();
            for (List<int[]> batch : batches) {
                sequential.add(analyzer.analyze(batch));
            }
            ExecutorService threads = Executors.newFixedThreadPool(4);
            try {
                for (int round = 0; round < 3; round++) {
                    List<Future<List<SampleResult>>> concurrent = new ArrayList<>();
                    for (List<int[]> batch : batches) {
                        concurrent.add(threads.submit(() -> analyzer.analyze(batch)));
                    }
                    for (int b = 0; b < batches.size(); b++) {
                        List<SampleResult> got = concurrent.get(b).get();
                        for (int s = 0; s < got.size(); s++) {
                            SampleResult want = sequential.get(b).get(s);
                            assertThat(got.get(s).gradNorm()).containsExactly(want.gradNorm());
                            assertThat(got.get(s).gradXInput()).containsExactly(want.gradXInput());
                            assertThat(got.get(s).headGrad()).isDeepEqualTo(want.headGrad());
                            assertThat(got.get(s).loss()).containsExactly(want.loss());
                        }
                    }
                }
                // A thread that analysed is left recording nothing, whatever libtorch's default.
                assertThat(threads.submit(() -> {
                                    analyzer.analyze(batches.get(0));
                                    return JniUtils.isGradMode();
                                })
                                .get())
                        .isFalse();
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void backwardWaitsForTheOneBeforeIt() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(GptWeights.random(CONFIG, manager, 3)), manager, 2, true);
            List<int[]> batch = List.of(new int[] {1, 2, 3, 4}, new int[] {5, 6});
            List<SampleResult> want = analyzer.analyze(batch);
            ExecutorService thread = Executors.newSingleThreadExecutor();
            try {
                Future<List<SampleResult>> waiting;
                GradientScope.BACKWARD_LOCK.lock();
                try {
                    waiting = thread.submit(() -> analyzer.analyze(batch));
                    assertThatThrownBy(() -> waiting.get(500, TimeUnit.MILLISECONDS))
                            .isInstanceOf(TimeoutException.class);
                    assertThat(GradientScope.BACKWARD_LOCK.hasQueuedThreads()).isTrue();
                } finally {
                    GradientScope.BACKWARD_LOCK.unlock();
                }
                assertThat(waiting.get(30, TimeUnit.SECONDS).get(0).gradNorm())
                        .containsExactly(want.get(0).gradNorm());
            } finally {
                thread.shutdownNow();
            }
        }
    }
}
