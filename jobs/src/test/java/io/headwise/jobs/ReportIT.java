package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportIT {

    private static final Pattern DATA =
            Pattern.compile("<script type=\"application/json\" id=\"data\">(.*?)</script>", Pattern.DOTALL);

    static JsonObject data(Path html) throws Exception {
        Matcher m = DATA.matcher(Files.readString(html));
        assertThat(m.find()).as("data blob in %s", html).isTrue();
        return JsonParser.parseString(m.group(1)).getAsJsonObject();
    }

    @Test
    void reportHoldsTheSameNumbersAsTheModelAndTheTables(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("run");
        ReportTables.writeAll(SparkTestSession.get(), runDir);
        Path model = ReportTables.modelWithCurve(tmp.resolve("model"));
        Path out = tmp.resolve("out/report.html");
        CliRun run = CliRun.of(
                "report", "--tables", runDir.toString(), "--model", model.toString(), "--out", out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("head_summary", "4 rows", "report written: " + out.toAbsolutePath());
        JsonObject data = data(out);

        JsonObject m = data.getAsJsonObject("model");
        assertThat(m.get("n_layer").getAsInt()).isEqualTo(2);
        assertThat(m.get("total_parameters").getAsLong())
                .isEqualTo(io.headwise.model.Checkpoint.readConfig(model).parameterCount());

        // The default text for a names model, with gpt2-tiny's golden numbers.
        JsonObject text = data.getAsJsonArray("texts").get(0).getAsJsonObject();
        assertThat(text.get("text").getAsString()).isEqualTo(".muhamadibrahim.");
        assertThat(text.getAsJsonArray("tokens")).hasSize(16);
        JsonObject expected = Fixtures.gpt2TinyExpected();
        JsonArray want = expected.getAsJsonArray("patterns")
                .get(1)
                .getAsJsonArray()
                .get(1)
                .getAsJsonArray();
        JsonArray got =
                text.getAsJsonArray("patterns").get(1).getAsJsonArray().get(1).getAsJsonArray();
        for (int q = 0; q < 16; q++) {
            for (int k = 0; k <= q; k++) {
                double w = want.get(q).getAsJsonArray().get(k).getAsDouble();
                assertThat(got.get(q).getAsJsonArray().get(k).getAsDouble())
                        .isCloseTo(w, within(5e-4 * Math.max(1, w)));
            }
        }

        JsonObject corpus = data.getAsJsonObject("corpus");
        JsonArray summary = corpus.getAsJsonArray("summary");
        assertThat(summary).hasSize(4);
        // head (1, 0): statistic i = 0.1·i + 0.02; distance is statistic 1.
        JsonObject head10 = summary.get(2).getAsJsonObject();
        assertThat(head10.get("layer").getAsInt()).isEqualTo(1);
        assertThat(head10.getAsJsonArray("values").get(1).getAsDouble()).isEqualTo(0.12);
        // output_norm, the last statistic: 0.9 + 0.02
        assertThat(corpus.getAsJsonArray("statistics").get(9).getAsString()).isEqualTo("output_norm");
        assertThat(head10.getAsJsonArray("values").get(9).getAsDouble()).isEqualTo(0.92);
        assertThat(head10.getAsJsonArray("top_tokens")
                        .get(2)
                        .getAsJsonObject()
                        .get("token")
                        .isJsonNull())
                .isTrue();
        assertThat(corpus.getAsJsonArray("probes")
                        .get(3)
                        .getAsJsonObject()
                        .get("induction")
                        .getAsDouble())
                .isEqualTo(0.6);
        JsonObject map = corpus.getAsJsonObject("head_map");
        assertThat(map.getAsJsonArray("clusters").toString()).isEqualTo("[0,0,1,1]");
        // Two groups 1.0 apart with members 0.1 apart: the MDS x-coordinates separate the layers.
        JsonArray xy = map.getAsJsonArray("coordinates");
        double gap = Math.abs(xy.get(0).getAsJsonArray().get(0).getAsDouble()
                - xy.get(2).getAsJsonArray().get(0).getAsDouble());
        assertThat(gap).isGreaterThan(0.9);

        assertThat(data.getAsJsonObject("embedding").getAsJsonArray("labels")).hasSize(27);
        assertThat(data.getAsJsonObject("curve").getAsJsonArray("step").toString())
                .isEqualTo("[0,100,200]");
    }

    @Test
    void missingTablesAreLeftOutNotFailed(@TempDir Path tmp) throws Exception {
        Path runDir = tmp.resolve("run");
        ReportTables.writeHeadProbes(SparkTestSession.get(), runDir);
        ReportTables.writeHeadDistances(SparkTestSession.get(), runDir);
        Path out = tmp.resolve("r.html");
        CliRun run = CliRun.of(
                "report",
                "--tables",
                runDir.toString(),
                "--model",
                Fixtures.gpt2Tiny().toString(),
                "--out",
                out.toString(),
                "--text",
                "emma",
                "--text",
                ".ava.");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("head_summary", "not computed", "none in the model directory");
        JsonObject data = data(out);
        assertThat(data.getAsJsonArray("texts")).hasSize(2);
        assertThat(data.getAsJsonArray("texts").get(0).getAsJsonObject().getAsJsonArray("tokens"))
                .hasSize(6);
        assertThat(data.getAsJsonObject("corpus").get("summary").isJsonNull()).isTrue();
        // Without head_summary's clusters, heads are clustered from head_distances alone
        // (average linkage, round(sqrt(4)) = 2 clusters): the two layers.
        assertThat(data.getAsJsonObject("corpus")
                        .getAsJsonObject("head_map")
                        .getAsJsonArray("clusters")
                        .toString())
                .isEqualTo("[0,0,1,1]");
        assertThat(data.getAsJsonObject("corpus").getAsJsonArray("probes")).hasSize(4);
        assertThat(data.get("curve").isJsonNull()).isTrue();
    }

    @Test
    void badInputIsOneLineNamingTheOption(@TempDir Path tmp) {
        CliRun run = CliRun.of(
                "report",
                "--tables",
                tmp.toString(),
                "--model",
                Fixtures.gpt2Tiny().toString(),
                "--out",
                tmp.resolve("r.html").toString(),
                "--text",
                "Emma!");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .startsWith("headwise report: --text: character 'E'")
                .doesNotContain("\n");
        CliRun notHtml = CliRun.of(
                "report",
                "--tables",
                tmp.toString(),
                "--model",
                Fixtures.gpt2Tiny().toString(),
                "--out",
                tmp.resolve("r.txt").toString());
        assertThat(notHtml.exitCode()).isEqualTo(2);
        assertThat(notHtml.err()).contains("--out must name an .html file");
        CliRun noTables = CliRun.of(
                "report",
                "--tables",
                tmp.resolve("nope").toString(),
                "--model",
                Fixtures.gpt2Tiny().toString(),
                "--out",
                tmp.resolve("r.html").toString());
        assertThat(noTables.exitCode()).isEqualTo(2);
        assertThat(noTables.err()).contains("--tables " + tmp.resolve("nope") + ": no such directory");
    }

    @Test
    void inspectWritesTheSingleTextPart(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("inspect.html");
        CliRun run = CliRun.withoutSpark(
                "inspect",
                "--model",
                Fixtures.gpt2Tiny().toString(),
                "--text",
                "muhamadibrahim",
                "--out",
                out.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("layer", "report written: " + out.toAbsolutePath());
        JsonObject data = data(out);
        assertThat(data.get("corpus").isJsonNull()).isTrue();
        assertThat(data.get("embedding").isJsonNull()).isTrue();
        JsonObject text = data.getAsJsonArray("texts").get(0).getAsJsonObject();
        assertThat(text.getAsJsonArray("tokens").get(0).getAsString()).isEqualTo(".");
        double want =
                Fixtures.gpt2TinyExpected().getAsJsonArray("grad_norm").get(3).getAsDouble();
        assertThat(text.getAsJsonArray("grad_norm").get(3).getAsDouble()).isCloseTo(want, within(1e-3 * want));
    }
}
