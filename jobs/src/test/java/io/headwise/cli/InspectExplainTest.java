package io.headwise.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code inspect --explain} end to end through the CLI on the gpt2-tiny checkpoint: the JSON's new
 * keys against the fixture's Hugging Face reference values ({@code logits}, {@code grad_x_input})
 * and against SPEC §6 computed here from the JSON's own patterns; the table's shape; bad input.
 */
class InspectExplainTest {

    private static final String MODEL = Fixtures.gpt2Tiny().toString();

    private static JsonObject json;
    private static JsonObject expected;

    @BeforeAll
    static void run() {
        CliRun run = CliRun.withoutSpark(
                "inspect", "--model", MODEL, "--text", "muhamadibrahim", "--format", "json", "--explain");
        assertThat(run.exitCode()).as(run.err()).isZero();
        json = JsonParser.parseString(run.out()).getAsJsonObject();
        expected = Fixtures.gpt2TinyExpected();
        assertThat(json.get("token_ids")).isEqualTo(expected.get("token_ids"));
    }

    /** SPEC §6: the last block's logit lens is the model's own output, here the reference logits. */
    @Test
    void lastLayersLogitLensIsTheReferenceNextTokenDistribution() {
        JsonObject lens = json.getAsJsonObject("logit_lens");
        JsonArray logits = expected.getAsJsonArray("logits");
        JsonArray ids = json.getAsJsonArray("token_ids");
        int t = ids.size();
        int last = 1; // gpt2-tiny has 2 layers
        assertThat(lens.getAsJsonArray("top_id")).hasSize(2);
        for (int p = 0; p < t; p++) {
            double[] z = doubles(logits.get(p).getAsJsonArray());
            double lse = logSumExp(z);
            int best = 0;
            for (int v = 1; v < z.length; v++) {
                best = z[v] > z[best] ? v : best;
            }
            assertThat(at(lens, "top_id", last, p).getAsInt())
                    .as("top_id at %d", p)
                    .isEqualTo(best);
            assertThat(at(lens, "top_prob", last, p).getAsDouble())
                    .as("top_prob at %d", p)
                    .isCloseTo(Math.exp(z[best] - lse), within(1e-5));
            assertThat(at(lens, "top_token", last, p).getAsString()).hasSize(1);
            if (p + 1 < t) {
                int target = ids.get(p + 1).getAsInt();
                int rank = 1;
                for (double v : z) {
                    rank += v > z[target] ? 1 : 0;
                }
                assertThat(at(lens, "target_prob", last, p).getAsDouble())
                        .as("target_prob at %d", p)
                        .isCloseTo(Math.exp(z[target] - lse), within(1e-5));
                assertThat(at(lens, "target_rank", last, p).getAsInt())
                        .as("target_rank at %d", p)
                        .isEqualTo(rank);
            } else {
                assertThat(at(lens, "target_prob", last, p).isJsonNull()).isTrue();
                assertThat(at(lens, "target_rank", last, p).isJsonNull()).isTrue();
            }
        }
        assertThat(at(lens, "top_id", last, t - 1).getAsInt())
                .isEqualTo(json.get("next_token_id").getAsInt());
        assertThat(at(lens, "top_prob", last, t - 1).getAsDouble())
                .isCloseTo(json.get("next_token_prob").getAsDouble(), within(1e-6));
    }

    /** SPEC §6's rollout computed here in double from the JSON's patterns: {@code (½Ā_1+½I)(½Ā_0+½I)}. */
    @Test
    void rolloutIsTheProductOfTheLayersMeanPatternsAndIdentity() {
        JsonArray patterns = json.getAsJsonArray("patterns");
        int t = json.getAsJsonArray("token_ids").size();
        double[][] r = identity(t);
        for (int l = 0; l < patterns.size(); l++) {
            JsonArray heads = patterns.get(l).getAsJsonArray();
            double[][] a = new double[t][t];
            for (int q = 0; q < t; q++) {
                a[q][q] += 0.5;
                for (int h = 0; h < heads.size(); h++) {
                    JsonArray row = heads.get(h).getAsJsonArray().get(q).getAsJsonArray();
                    for (int k = 0; k <= q; k++) {
                        a[q][k] += 0.5 * row.get(k).getAsDouble() / heads.size();
                    }
                }
            }
            r = multiply(a, r);
        }
        JsonArray rollout = json.getAsJsonArray("rollout");
        assertThat(rollout).hasSize(t);
        for (int q = 0; q < t; q++) {
            double[] row = doubles(rollout.get(q).getAsJsonArray());
            assertThat(row).as("rollout row %d: keys 0..q", q).hasSize(q + 1);
            double sum = 0;
            for (int k = 0; k <= q; k++) {
                assertThat(row[k]).as("rollout[%d][%d]", q, k).isCloseTo(r[q][k], within(1e-6));
                sum += row[k];
            }
            assertThat(sum).as("rollout row %d sums to 1", q).isCloseTo(1, within(1e-5));
        }
    }

    @Test
    void gradRolloutRowsAreCausalDistributionsOverTheKeys() {
        JsonArray rows = json.getAsJsonArray("grad_rollout");
        int t = json.getAsJsonArray("token_ids").size();
        assertThat(rows).as("one row per prediction").hasSize(t - 1);
        for (int q = 0; q < t - 1; q++) {
            double[] row = doubles(rows.get(q).getAsJsonArray());
            assertThat(row).as("grad_rollout row %d", q).hasSize(q + 1);
            double sum = 0;
            for (double v : row) {
                assertThat(v).isGreaterThanOrEqualTo(0);
                sum += v;
            }
            assertThat(sum).as("grad_rollout row %d sums to 1", q).isCloseTo(1, within(1e-5));
        }
        // R = I + …: the query itself always keeps at least its identity share.
        assertThat(rows.get(0).getAsJsonArray().get(0).getAsDouble()).isEqualTo(1.0);
    }

    /**
     * The mean of each key's gradient × input over the predictions is SPEC §4's {@code
     * grad_x_input} of the mean loss: here the fixture's reference values.
     */
    @Test
    void gradXInputByPredictionAveragesToTheReferenceGradXInput() {
        JsonArray rows = json.getAsJsonArray("grad_x_input_by_prediction");
        double[] want = doubles(expected.getAsJsonArray("grad_x_input"));
        int t = want.length;
        assertThat(rows).hasSize(t - 1);
        double[] mean = new double[t];
        for (int q = 0; q < t - 1; q++) {
            double[] row = doubles(rows.get(q).getAsJsonArray());
            assertThat(row).as("row %d", q).hasSize(q + 1);
            for (int k = 0; k <= q; k++) {
                mean[k] += row[k] / (t - 1);
            }
        }
        for (int k = 0; k < t; k++) {
            assertThat(mean[k])
                    .as("mean grad_x_input at %d", k)
                    .isCloseTo(want[k], within(1e-4 * Math.abs(want[k]) + 1e-6));
        }
    }

    /** {@code value_weighted[q][k] = A[q][k]·‖f(x_k)‖₂}: the ratio to the pattern depends on the key alone. */
    @Test
    void valueWeightedIsThePatternTimesOneFactorPerKey() {
        JsonArray patterns = json.getAsJsonArray("patterns");
        JsonArray weighted = json.getAsJsonArray("value_weighted");
        JsonArray outputNorm = json.getAsJsonArray("output_norm");
        assertThat(weighted).hasSize(patterns.size());
        assertThat(outputNorm).hasSize(patterns.size());
        for (int l = 0; l < patterns.size(); l++) {
            assertThat(outputNorm.get(l).getAsJsonArray()).hasSize(2);
            for (int h = 0; h < 2; h++) {
                assertThat(outputNorm.get(l).getAsJsonArray().get(h).getAsDouble())
                        .isPositive();
                JsonArray a = patterns.get(l).getAsJsonArray().get(h).getAsJsonArray();
                JsonArray w = weighted.get(l).getAsJsonArray().get(h).getAsJsonArray();
                assertThat(w).hasSize(a.size());
                int t = a.size();
                for (int k = 0; k < t; k++) {
                    double factor = w.get(t - 1).getAsJsonArray().get(k).getAsDouble()
                            / a.get(t - 1).getAsJsonArray().get(k).getAsDouble();
                    assertThat(factor).isPositive();
                    for (int q = k; q < t; q++) {
                        assertThat(w.get(q).getAsJsonArray().get(k).getAsDouble())
                                .as("value_weighted[%d][%d][%d][%d]", l, h, q, k)
                                .isCloseTo(
                                        factor
                                                * a.get(q)
                                                        .getAsJsonArray()
                                                        .get(k)
                                                        .getAsDouble(),
                                        within(1e-5 * factor));
                    }
                }
            }
        }
    }

    @Test
    void tableListsEveryPredictionAndTheLensOfEveryLayer() {
        CliRun run = CliRun.withoutSpark(
                "inspect", "--model", MODEL, "--text", ".muhamadibrahim.", "--explain", "--explain-top", "2");
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines).contains("next    l  p=0.2200");
        int header = lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("What each prediction rests on (top 2 keys)"))
                .findFirst()
                .orElseThrow());
        assertThat(lines.get(header + 1))
                .matches("position\\s+token\\s+next\\s+p\\(next\\)\\s+by grad_rollout\\s+by grad_x_input");
        // 15 predictions; the first (. → m) rests on position 0 alone by grad_rollout: 1.000.
        assertThat(lines.get(header + 2))
                .matches("\\s*0\\s+\\.\\s+m\\s+0\\.\\d{4}\\s+\\.@0 1\\.000\\s+\\.@0 [+-]\\d\\.\\d{3}");
        for (int q = 1; q < 15; q++) {
            assertThat(lines.get(header + 2 + q))
                    .as("prediction %d: two keys by each method", q)
                    .matches(
                            "\\s*" + q
                                    + "\\s.*\\S+@\\d+ \\d\\.\\d{3}  \\S+@\\d+ \\d\\.\\d{3}\\s+\\S+@\\d+ [+-]\\d\\.\\d{3}  \\S+@\\d+ [+-]\\d\\.\\d{3}");
        }
        assertThat(lines.get(header + 17)).isEmpty();
        assertThat(lines.get(header + 18)).startsWith("Logit lens: ").contains("layer 1 is the model's own prediction");
        assertThat(lines.get(header + 19)).matches("position(\\s+\\d+){16}");
        assertThat(lines.get(header + 20)).matches("token\\s+\\.\\s+m\\s+u\\s+h.*");
        assertThat(lines.get(header + 21)).matches("layer 0(\\s+\\S+ \\d\\.\\d\\d){16}");
        // The last layer at the last position is inspect's own `next` line.
        assertThat(lines.get(header + 22)).matches("layer 1(\\s+\\S+ \\d\\.\\d\\d){15}\\s+l 0\\.22");
        assertThat(lines.get(header + 23)).matches("next\\s+m\\s+u\\s+h.*\\.");
        assertThat(lines).hasSize(header + 24);
    }

    @Test
    void badExplainOptionsAreOneLineAndExitTwo() {
        CliRun zero =
                CliRun.withoutSpark("inspect", "--model", MODEL, "--text", "a", "--explain", "--explain-top", "0");
        assertThat(zero.exitCode()).as(zero.err()).isEqualTo(2);
        assertThat(zero.err().strip()).isEqualTo("headwise inspect: --explain-top must be at least 1, got 0");
        assertThat(zero.out()).isEmpty();
        CliRun alone = CliRun.withoutSpark("inspect", "--model", MODEL, "--text", "a", "--explain-top", "2");
        assertThat(alone.exitCode()).as(alone.err()).isEqualTo(2);
        assertThat(alone.err().strip()).isEqualTo("headwise inspect: --explain-top needs --explain");
        assertThat(alone.out()).isEmpty();
    }

    private static com.google.gson.JsonElement at(JsonObject lens, String key, int layer, int position) {
        return lens.getAsJsonArray(key).get(layer).getAsJsonArray().get(position);
    }

    private static double[] doubles(JsonArray array) {
        double[] values = new double[array.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = array.get(i).getAsDouble();
        }
        return values;
    }

    private static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    private static double[][] identity(int t) {
        double[][] m = new double[t][t];
        for (int i = 0; i < t; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int t = a.length;
        double[][] c = new double[t][t];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < t; j++) {
                for (int k = 0; k < t; k++) {
                    c[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return c;
    }
}
