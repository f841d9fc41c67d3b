package io.headwise.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.headwise.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model against {@code gpt2-tiny/expected.json}: reference values computed with Hugging Face
 * GPT-2 semantics. Tolerances are the fixture's: 1e-5 absolute, 1e-4 relative for gradients.
 */
class GoldenGpt2TinyTest {

    private static final double ABS = 1e-5;

    private static NDManager manager;
    private static GptWeights weights;
    private static JsonObject expected;
    private static int[] ids;
    private static SampleResult result;

    @BeforeAll
    static void load() {
        manager = NDManager.newBaseManager();
        weights = Checkpoint.read(Fixtures.gpt2Tiny(), manager);
        expected = Fixtures.gpt2TinyExpected();
        ids = toInts(expected.getAsJsonArray("token_ids"));
        result = new Analyzer(new Gpt(weights), manager, 8, true)
                .analyze(List.of(ids))
                .get(0);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    @Test
    void logitsMatch() {
        try (NDManager batch = manager.newSubManager()) {
            long[] longs = new long[ids.length];
            for (int i = 0; i < ids.length; i++) {
                longs[i] = ids[i];
            }
            NDArray logits = new Gpt(weights)
                    .forward(batch.create(longs, new Shape(1, ids.length)))
                    .logits();
            float[] actual = logits.toFloatArray();
            JsonArray rows = expected.getAsJsonArray("logits");
            int v = weights.config().vocabSize();
            for (int t = 0; t < ids.length; t++) {
                JsonArray row = rows.get(t).getAsJsonArray();
                for (int k = 0; k < v; k++) {
                    assertThat((double) actual[t * v + k])
                            .as("logit[%d][%d]", t, k)
                            .isCloseTo(row.get(k).getAsDouble(), within(ABS));
                }
            }
        }
    }

    @Test
    void patternsMatch() {
        JsonArray layers = expected.getAsJsonArray("patterns");
        for (int l = 0; l < layers.size(); l++) {
            JsonArray heads = layers.get(l).getAsJsonArray();
            for (int h = 0; h < heads.size(); h++) {
                JsonArray queries = heads.get(h).getAsJsonArray();
                for (int q = 0; q < queries.size(); q++) {
                    JsonArray keys = queries.get(q).getAsJsonArray();
                    assertThat(result.patterns()[l][h][q]).hasSize(keys.size());
                    for (int k = 0; k < keys.size(); k++) {
                        assertThat((double) result.patterns()[l][h][q][k])
                                .as("pattern[%d][%d][%d][%d]", l, h, q, k)
                                .isCloseTo(keys.get(k).getAsDouble(), within(ABS));
                    }
                }
            }
        }
    }

    @Test
    void residualNormsMatch() {
        JsonArray layers = expected.getAsJsonArray("resid_norm");
        for (int l = 0; l < layers.size(); l++) {
            assertClose(result.residNorm()[l], layers.get(l).getAsJsonArray(), ABS, 0, "resid_norm[" + l + "]");
        }
    }

    @Test
    void lossesMatch() {
        JsonArray loss = expected.getAsJsonArray("loss");
        assertThat(loss.get(ids.length - 1).isJsonNull()).isTrue();
        for (int t = 0; t < ids.length - 1; t++) {
            assertThat((double) result.loss()[t])
                    .as("loss[%d]", t)
                    .isCloseTo(loss.get(t).getAsDouble(), within(ABS));
        }
        assertThat(result.meanLoss()).isCloseTo(expected.get("mean_loss").getAsDouble(), within(ABS));
    }

    @Test
    void gradientsMatch() {
        assertClose(result.gradNorm(), expected.getAsJsonArray("grad_norm"), 0, 1e-4, "grad_norm");
        assertClose(result.gradXInput(), expected.getAsJsonArray("grad_x_input"), 0, 1e-4, "grad_x_input");
        for (var element : expected.getAsJsonArray("head_stats")) {
            JsonObject stats = element.getAsJsonObject();
            int l = stats.get("layer").getAsInt();
            int h = stats.get("head").getAsInt();
            double want = stats.get("head_grad").getAsDouble();
            assertThat((double) result.headGrad()[l][h])
                    .as("head_grad[%d][%d]", l, h)
                    .isCloseTo(want, within(1e-4 * Math.abs(want) + 1e-7));
        }
    }

    @Test
    void nextTokenIsTheArgmaxOfTheLastPosition() {
        JsonArray last = expected.getAsJsonArray("logits").get(ids.length - 1).getAsJsonArray();
        int best = 0;
        for (int k = 1; k < last.size(); k++) {
            if (last.get(k).getAsDouble() > last.get(best).getAsDouble()) {
                best = k;
            }
        }
        assertThat(result.nextTokenId()).isEqualTo(best);
        double norm = 0;
        for (var x : last) {
            norm += Math.exp(x.getAsDouble() - last.get(best).getAsDouble());
        }
        assertThat((double) result.nextTokenProb()).isCloseTo(1 / norm, within(ABS));
    }

    static void assertClose(float[] actual, JsonArray want, double abs, double rel, String what) {
        assertThat(actual).as(what).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            double w = want.get(i).getAsDouble();
            assertThat((double) actual[i]).as("%s[%d]", what, i).isCloseTo(w, within(abs + rel * Math.abs(w) + 1e-7));
        }
    }

    static int[] toInts(JsonArray array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).getAsInt();
        }
        return out;
    }
}
