package io.headwise.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Head statistics of the gpt2-tiny golden patterns against the fixture's reference values. */
class Gpt2TinyFixtureTest {

    private static final Offset<Double> TOLERANCE = within(1e-5);
    private static JsonObject expected;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = Gpt2TinyFixtureTest.class.getResourceAsStream("/gpt2-tiny/expected.json");
                Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            expected = JsonParser.parseReader(reader).getAsJsonObject();
        }
    }

    @Test
    void headStatsMatchReferenceForEveryLayerAndHead() {
        JsonArray patterns = expected.getAsJsonArray("patterns");
        JsonArray reference = expected.getAsJsonArray("head_stats");
        assertThat(reference).hasSize(4);

        for (JsonElement element : reference) {
            JsonObject want = element.getAsJsonObject();
            int layer = want.get("layer").getAsInt();
            int head = want.get("head").getAsInt();
            float[][] pattern =
                    toRows(patterns.get(layer).getAsJsonArray().get(head).getAsJsonArray());

            HeadStats got = HeadMetrics.headStats(pattern).orElseThrow();

            String where = "layer " + layer + " head " + head + " ";
            assertThat(got.nQueries())
                    .as(where + "n_queries")
                    .isEqualTo(want.get("n_queries").getAsInt());
            assertThat(got.entropy())
                    .as(where + "entropy")
                    .isCloseTo(want.get("entropy").getAsDouble(), TOLERANCE);
            assertThat(got.distance())
                    .as(where + "distance")
                    .isCloseTo(want.get("distance").getAsDouble(), TOLERANCE);
            assertThat(got.prevToken())
                    .as(where + "prev_token")
                    .isCloseTo(want.get("prev_token").getAsDouble(), TOLERANCE);
            assertThat(got.firstToken())
                    .as(where + "first_token")
                    .isCloseTo(want.get("first_token").getAsDouble(), TOLERANCE);
            assertThat(got.self()).as(where + "self").isCloseTo(want.get("self").getAsDouble(), TOLERANCE);
            assertThat(got.maxWeight())
                    .as(where + "max_weight")
                    .isCloseTo(want.get("max_weight").getAsDouble(), TOLERANCE);
        }
    }

    private static float[][] toRows(JsonArray queries) {
        float[][] rows = new float[queries.size()][];
        for (int q = 0; q < rows.length; q++) {
            JsonArray keys = queries.get(q).getAsJsonArray();
            rows[q] = new float[keys.size()];
            for (int k = 0; k < rows[q].length; k++) {
                rows[q][k] = keys.get(k).getAsFloat();
            }
        }
        return rows;
    }
}
