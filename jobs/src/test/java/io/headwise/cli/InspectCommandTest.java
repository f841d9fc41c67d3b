package io.headwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code inspect} end to end through the CLI: its JSON is what outside checks compare against
 * Hugging Face's GPT-2, so it is checked here against the gpt2-tiny reference values.
 */
class InspectCommandTest {

    private final String model = Fixtures.gpt2Tiny().toString();

    @Test
    void jsonMatchesTheReferenceValues() {
        CliRun run = CliRun.withoutSpark("inspect", "--model", model, "--text", "muhamadibrahim", "--format", "json");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonObject actual = JsonParser.parseString(run.out()).getAsJsonObject();
        JsonObject expected = Fixtures.gpt2TinyExpected();

        assertThat(actual.get("token_ids")).isEqualTo(expected.get("token_ids"));
        assertThat(actual.getAsJsonArray("tokens").get(1).getAsString()).isEqualTo("m");
        assertNested(actual.get("patterns").getAsJsonArray(), expected.getAsJsonArray("patterns"), 1e-5, 0, "patterns");
        assertNested(actual.getAsJsonArray("loss"), expected.getAsJsonArray("loss"), 1e-5, 0, "loss");
        assertNested(actual.getAsJsonArray("grad_norm"), expected.getAsJsonArray("grad_norm"), 0, 1e-4, "grad_norm");
        assertNested(
                actual.getAsJsonArray("grad_x_input"),
                expected.getAsJsonArray("grad_x_input"),
                0,
                1e-4,
                "grad_x_input");
        JsonArray stats = actual.getAsJsonArray("head_stats");
        JsonArray want = expected.getAsJsonArray("head_stats");
        assertThat(stats).hasSize(want.size());
        for (int i = 0; i < want.size(); i++) {
            JsonObject a = stats.get(i).getAsJsonObject();
            JsonObject w = want.get(i).getAsJsonObject();
            for (String key : w.keySet()) {
                double tolerance =
                        key.equals("head_grad") ? 1e-4 * Math.abs(w.get(key).getAsDouble()) + 1e-7 : 1e-5;
                assertThat(a.get(key).getAsDouble())
                        .as("head_stats[%d].%s", i, key)
                        .isCloseTo(w.get(key).getAsDouble(), within(tolerance));
            }
        }
        assertThat(actual.get("next_token_prob").getAsDouble()).isBetween(0.0, 1.0);
        assertThat(actual.get("next_token").getAsString()).hasSize(1);
    }

    @Test
    void tableListsEveryHead() {
        CliRun run = CliRun.withoutSpark("inspect", "--model", model, "--text", ".muhamadibrahim.");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("tokens  . m u h a m a d i b r a h i m .  (16)")
                .contains("loss    5.1721 nats per token");
        // 0 0 entropy 0.6761 distance 3.6268 (gpt2-tiny expected.json)
        assertThat(run.out()).containsPattern("\\n\\s+0\\s+0\\s+0\\.6761\\s+3\\.6268");
        assertThat(run.out().lines().filter(l -> l.matches("\\s+\\d+\\s+\\d+\\s+\\d.*")))
                .hasSize(4);
    }

    @Test
    void interventionsSideBySide() {
        CliRun run = CliRun.withoutSpark(
                "inspect",
                "--model",
                model,
                "--text",
                "muhamadibrahim",
                "--format",
                "json",
                "--intervene",
                "merge 1.0+1@1",
                "--intervene",
                "merge 0.1+1@0.3",
                "--intervene",
                "zero 0.0 & zero 0.1 & zero 1.0 & zero 1.1");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonObject json = JsonParser.parseString(run.out()).getAsJsonObject();
        JsonArray interventions = json.getAsJsonArray("interventions");
        assertThat(interventions).hasSize(3);
        JsonObject merge = interventions.get(0).getAsJsonObject();
        assertThat(merge.get("intervention").getAsString()).isEqualTo("merge 1.0+1@1");
        // merge@1: head 1.1's pattern is head 1.0's, exactly, and head 1.0 keeps its own.
        JsonArray layer1 = merge.getAsJsonArray("patterns").get(1).getAsJsonArray();
        assertThat(layer1.get(1)).isEqualTo(layer1.get(0));
        assertNested(
                layer1.get(0).getAsJsonArray(),
                json.getAsJsonArray("patterns").get(1).getAsJsonArray().get(0).getAsJsonArray(),
                1e-6,
                0,
                "merged head 1.0");
        assertThat(merge.get("delta_loss").getAsDouble()).isNotCloseTo(0.0, within(1e-6));
        JsonObject self = interventions.get(1).getAsJsonObject();
        assertThat(self.get("delta_loss").getAsDouble()).isEqualTo(0.0);
        assertThat(self.get("note").getAsString()).contains("changes nothing (Δ = 0)");
        JsonObject none = interventions.get(2).getAsJsonObject();
        assertThat(none.get("kind").getAsString()).isEqualTo("joint");
        assertThat(none.getAsJsonArray("loss"))
                .hasSize(json.getAsJsonArray("loss").size());
        assertThat(none.get("mean_loss").getAsDouble())
                .isCloseTo(
                        json.get("mean_loss").getAsDouble()
                                + none.get("delta_loss").getAsDouble(),
                        within(1e-6));
        assertThat(none.get("next_token_prob").getAsDouble()).isBetween(0.0, 1.0);

        CliRun table =
                CliRun.withoutSpark("inspect", "--model", model, "--text", "muhamadibrahim", "--intervene", "zero 1.1");
        assertThat(table.exitCode()).as(table.err()).isZero();
        assertThat(table.out())
                .containsPattern("\\nnone\\s+\\d+\\.\\d{4}\\s+\\+0\\.0000")
                .contains("zero 1.1");
    }

    @Test
    void badInputIsOneLineAndExitTwo(@TempDir Path tmp) throws IOException {
        assertBad(
                CliRun.withoutSpark("inspect", "--model", model, "--text", "a", "--intervene", "zero 2.0"),
                "headwise inspect: intervention \"zero 2.0\": layer 2 does not exist (the model has layers 0..1)");
        assertBad(
                CliRun.withoutSpark("inspect", "--model", tmp.resolve("nope").toString(), "--text", "a"),
                "headwise inspect: " + tmp.resolve("nope") + ": model directory does not exist");
        assertBad(
                CliRun.withoutSpark("inspect", "--model", model, "--text", "Emma"),
                "headwise inspect: --text: character 'E' (U+0045) at position 0 of \"Emma\" is not in the vocabulary");
        assertBad(
                CliRun.withoutSpark("inspect", "--model", model, "--text", "a".repeat(40)),
                "headwise inspect: --text: 42 tokens, longer than the model's n_positions (32)");
        assertBad(
                CliRun.withoutSpark("inspect", "--model", model, "--text", "a", "--format", "xml"),
                "headwise inspect: --format must be table or json, got 'xml'");
        assertBad(
                CliRun.withoutSpark("inspect", "--model", model, "--text", "a", "--frobnicate"),
                "headwise inspect: Unknown option: '--frobnicate' (see ./headwise inspect --help)");
        assertBad(CliRun.withoutSpark("frobnicate"), "headwise: unknown job 'frobnicate' (see ./headwise --help)");
        Path pickled = Files.createDirectories(tmp.resolve("pickled"));
        Files.copy(Fixtures.gpt2Tiny().resolve("config.json"), pickled.resolve("config.json"));
        Files.write(pickled.resolve("pytorch_model.bin"), new byte[] {1, 2, 3});
        CliRun run = CliRun.withoutSpark("inspect", "--model", pickled.toString(), "--text", "a");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("pickled PyTorch checkpoints can execute arbitrary code")
                .contains("safe_serialization=True");
    }

    private static void assertBad(CliRun run, String line) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(line);
        assertThat(run.out()).isEmpty();
    }

    private static void assertNested(JsonArray actual, JsonArray expected, double abs, double rel, String path) {
        assertThat(actual).as(path).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).isJsonArray()) {
                assertNested(
                        actual.get(i).getAsJsonArray(),
                        expected.get(i).getAsJsonArray(),
                        abs,
                        rel,
                        path + "[" + i + "]");
            } else if (expected.get(i).isJsonNull()) {
                assertThat(actual.get(i).isJsonNull()).as(path + "[" + i + "]").isTrue();
            } else {
                double w = expected.get(i).getAsDouble();
                assertThat(actual.get(i).getAsDouble())
                        .as(path + "[" + i + "]")
                        .isCloseTo(w, within(abs + rel * Math.abs(w) + 1e-7));
            }
        }
    }
}
