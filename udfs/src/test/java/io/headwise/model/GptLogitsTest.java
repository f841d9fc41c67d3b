package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link Gpt#logits}: the same numbers as the full forward pass, with each block's intermediate
 * arrays closed with the block.
 */
class GptLogitsTest {

    @Test
    void logitsAloneEqualTheForwardPassAndLeaveOnlyEachBlocksOutputBehind() {
        GptConfig config = TestModels.tiny();
        List<Intervention> interventions = List.of(
                Intervention.none(),
                Intervention.parse("zero 0.1", config),
                Intervention.parse("merge 1.0+2@0.4 & mean 2.2", config));
        float[][][] zMean = new float[config.nLayer()][config.nHead()][config.dHead()];
        for (int l = 0; l < config.nLayer(); l++) {
            for (int h = 0; h < config.nHead(); h++) {
                for (int d = 0; d < config.dHead(); d++) {
                    zMean[l][h][d] = 0.01f * (l + 2 * h - d);
                }
            }
        }
        int b = 2;
        int t = 9;
        long[] ids = new long[interventions.size() * b * t];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (i * 7 + 3) % config.vocabSize();
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            GradientScope.gradModeOff(manager);
            Gpt gpt = new Gpt(TestModels.peaked(config, manager, 11));
            float[] full;
            try (NDManager pass = manager.newSubManager()) {
                NDArray rows = pass.create(ids, new Shape(interventions.size() * b, t));
                HeadEdits edits = HeadEdits.of(interventions, b, config, zMean, pass);
                full = gpt.forward(gpt.embed(rows), null, edits, false).logits().toFloatArray();
            }
            try (NDManager pass = manager.newSubManager()) {
                NDArray rows = pass.create(ids, new Shape(interventions.size() * b, t));
                HeadEdits edits = HeadEdits.of(interventions, b, config, zMean, pass);
                NDArray embeddings = gpt.embed(rows);
                int before = pass.getManagedArrays().size();
                NDArray logits = gpt.logits(embeddings, null, edits);
                // Same operators in the same order: equal to the bit.
                assertThat(logits.toFloatArray()).containsExactly(full);
                // What stays: each block's output and the few arrays built outside the blocks
                // (the mask, the gate and edit slices, ln_f, the unembedding), not the blocks'
                // intermediates, of which the full pass keeps more than 20 per block.
                int kept = pass.getManagedArrays().size() - before;
                assertThat(kept).isLessThan(8 * config.nLayer());
                try (NDManager other = manager.newSubManager()) {
                    NDArray again = other.create(ids, new Shape(interventions.size() * b, t));
                    HeadEdits otherEdits = HeadEdits.of(interventions, b, config, zMean, other);
                    NDArray otherEmbeddings = gpt.embed(again);
                    int fullBefore = other.getManagedArrays().size();
                    gpt.forward(otherEmbeddings, null, otherEdits, false);
                    assertThat(other.getManagedArrays().size() - fullBefore).isGreaterThan(20 * config.nLayer());
                }
            }
        }
    }
}
