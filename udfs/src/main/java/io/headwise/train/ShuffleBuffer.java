package io.headwise.train;

import io.headwise.BadInputException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Training batches from a corpus read as a stream, for corpora too large to hold: a buffer of at
 * most {@code capacity} samples is filled from the stream's first pass, each draw takes a
 * uniformly random slot and refills it with the stream's next sample, and the stream starts over
 * when it ends (another pass over the corpus). With a buffer as large as the corpus this is
 * uniform sampling; with a smaller one, samples far apart in the stream's order rarely share a
 * batch.
 *
 * <p>The draws come from one generator seeded by the run's seed, so step {@code s}'s batch is a
 * function of the seed, the stream and {@code s}. A resumed run replays the draws of the steps
 * before its first (reading the stream, not training) and then sees the batches the
 * uninterrupted run saw. Memory: the buffer, plus whatever the stream holds (one Spark partition).
 */
public final class ShuffleBuffer implements BatchSource {

    private final Supplier<Iterator<int[]>> passes;
    private final int capacity;
    private final int batchSize;
    private final Random random;
    private final List<int[]> buffer = new ArrayList<>();
    private Iterator<int[]> pass;
    private int passCount;
    private int nextStep;

    /**
     * @param passes a new pass over the corpus, in the same order each time, at every call
     * @param capacity the most samples the buffer holds
     */
    public ShuffleBuffer(Supplier<Iterator<int[]>> passes, int capacity, int batchSize, long seed) {
        if (capacity < 1 || batchSize < 1) {
            throw new IllegalArgumentException("capacity and batch size must be positive");
        }
        this.passes = passes;
        this.capacity = capacity;
        this.batchSize = batchSize;
        this.random = new Random(GptTrainer.mix(seed, -2));
    }

    @Override
    public List<int[]> batch(int step) {
        if (step < nextStep) {
            throw new IllegalStateException(
                    "step " + step + " asked for after step " + (nextStep - 1) + ": a stream cannot go back");
        }
        if (pass == null) {
            pass = newPass();
            while (buffer.size() < capacity && pass.hasNext()) {
                buffer.add(pass.next());
            }
            if (buffer.isEmpty()) {
                throw new BadInputException("no training samples");
            }
        }
        for (; nextStep < step; nextStep++) {
            draw(); // a step the run does not train again (it resumes after it)
        }
        nextStep++;
        return draw();
    }

    /** How many passes over the corpus the stream has started. */
    public int passes() {
        return passCount;
    }

    /** How many samples the buffer holds: {@code capacity}, or the corpus when it is smaller. */
    public int size() {
        return buffer.size();
    }

    private List<int[]> draw() {
        List<int[]> batch = new ArrayList<>(batchSize);
        for (int i = 0; i < batchSize; i++) {
            int slot = random.nextInt(buffer.size());
            batch.add(buffer.get(slot));
            buffer.set(slot, next());
        }
        return batch;
    }

    private int[] next() {
        if (!pass.hasNext()) {
            pass = newPass();
            if (!pass.hasNext()) {
                throw new IllegalStateException("the corpus stream was empty on pass " + passCount);
            }
        }
        return pass.next();
    }

    private Iterator<int[]> newPass() {
        passCount++;
        return passes.get();
    }
}
