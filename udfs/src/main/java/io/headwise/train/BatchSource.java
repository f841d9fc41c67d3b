package io.headwise.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Where a run's training batches come from: samples held in memory, or a stream ({@link ShuffleBuffer}). */
public interface BatchSource {

    /**
     * The samples of step {@code step}, each of 2..n_positions ids below V. A run asks for its
     * steps in increasing order, starting at its first (0, or a resumed run's).
     */
    List<int[]> batch(int step);

    /**
     * {@code batchSize} samples of {@code train} drawn uniformly with replacement, from a generator
     * seeded by {@code (seed, step)}: any step's batch is known without the ones before it.
     */
    static BatchSource uniform(List<int[]> train, int batchSize, long seed) {
        return step -> {
            Random random = new Random(GptTrainer.mix(seed, step));
            List<int[]> batch = new ArrayList<>(batchSize);
            for (int i = 0; i < batchSize; i++) {
                batch.add(train.get(random.nextInt(train.size())));
            }
            return batch;
        };
    }
}
