package io.headwise.jobs;

import static io.headwise.testing.ExtractFixtures.NAMES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.headwise.metrics.RankCorrelation;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.Intervention;
import io.headwise.model.InterventionPass;
import io.headwise.spark.AblationTables;
import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.CharTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ablate} end to end on 120 names and three bad samples with a small random names model
 * (2 layers of 2 heads): every head_ablation number against the same interventions computed here,
 * sample by sample, with plain arithmetic; the per-sample table, rejects, the printed ranking and
 * Spearman ρ, and refusals.
 */
class AblateIT {

    static final int NAMES = 120;
    static final List<String> INTERVENE = List.of("merge 0.0+1@0.25", "zero 0.1 & mean 1.0", "merge 1.1+1", "mean 1.1");

    @TempDir
    static Path tmp;

    static SparkSession spark;
    static CharTokenizer tokenizer;
    static List<String> names;
    static Path model;
    static Path tokens;
    static Path out;
    static CliRun run;

    @BeforeAll
    static void ablateOnce() {
        spark = SparkTestSession.get();
        tokenizer = ExtractFixtures.namesTokenizer();
        names = ExtractFixtures.allNames().subList(0, NAMES);
        model = ExtractFixtures.randomModel(tmp.resolve("model"), NAMES_CONFIG, tokenizer.toTokenizerJson(), 7);
        List<Row> rows = new ArrayList<>(ExtractFixtures.nameRows(tokenizer, names));
        rows.add(ExtractFixtures.tokensRow(ExtractFixtures.sampleId(9001), 9001, new int[0], List.of()));
        rows.add(ExtractFixtures.tokensRow(ExtractFixtures.sampleId(9002), 9002, new int[] {0}, List.of(".")));
        int[] tooLong = new int[NAMES_CONFIG.nPositions() + 1];
        rows.add(ExtractFixtures.tokensRow(
                ExtractFixtures.sampleId(9003),
                9003,
                tooLong,
                IntStream.range(0, tooLong.length).mapToObj(i -> ".").toList()));
        tokens = ExtractFixtures.writeTokens(spark, tmp.resolve("tokens"), rows, tokenizer.toTokenizerJson(), 3);
        out = tmp.resolve("out");
        List<String> args = new ArrayList<>(List.of(
                "ablate",
                "--model",
                model.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                out.toString(),
                "--sweep",
                "zero",
                "--per-sample",
                "--batch-size",
                "7"));
        for (String spec : INTERVENE) {
            args.add("--intervene");
            args.add(spec);
        }
        run = CliRun.of(args.toArray(String[]::new));
    }

    /** Every intervention's Δ per sample, computed one sample at a time here. */
    static Map<String, double[]> expectedDeltas(List<Intervention> interventions, double[] base) {
        Map<String, double[]> deltas = new HashMap<>();
        try (NDManager manager = NDManager.newBaseManager()) {
            Gpt gpt = new Gpt(Checkpoint.read(model, manager));
            InterventionPass pass = new InterventionPass(gpt, manager, 64);
            List<int[]> ids = names.stream().map(tokenizer::encode).toList();
            float[][][] zMean = pass.zSum(ids).mean();
            for (Intervention intervention : interventions) {
                double[] d = new double[ids.size()];
                for (int s = 0; s < ids.size(); s++) {
                    float[][][] losses =
                            pass.tokenLosses(List.of(ids.get(s)), List.of(Intervention.none(), intervention), zMean);
                    base[s] = InterventionPass.meanLoss(losses[0][0]);
                    d[s] = InterventionPass.meanLoss(losses[1][0]) - base[s];
                }
                deltas.put(intervention.text(), d);
            }
        }
        return deltas;
    }

    @Test
    void headAblationHoldsEveryInterventionsNumbers() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Row> rows = Tables.read(spark, out.toString(), AblationTables.HEAD_ABLATION, "ablate")
                .collectAsList();
        List<Intervention> interventions = new ArrayList<>();
        for (int l = 0; l < 2; l++) {
            for (int h = 0; h < 2; h++) {
                interventions.add(Intervention.of(new Intervention.Zero(l, h)));
            }
        }
        INTERVENE.forEach(spec -> interventions.add(Intervention.parse(spec, NAMES_CONFIG)));
        assertThat(rows).hasSize(interventions.size());
        double[] base = new double[NAMES];
        Map<String, double[]> expected = expectedDeltas(interventions, base);
        int[] predictions = names.stream().mapToInt(n -> n.length() + 1).toArray();
        long nPredictions = IntStream.of(predictions).sum();
        double baseLoss = 0;
        for (int s = 0; s < NAMES; s++) {
            baseLoss += base[s] * predictions[s] / nPredictions;
        }
        for (Row row : rows) {
            String text = row.getAs("intervention");
            double[] d = expected.get(text);
            assertThat(d).as(text).isNotNull();
            double mean = 0;
            double loss = 0;
            double max = Double.NEGATIVE_INFINITY;
            int hurt = 0;
            int maybeHurt = 0;
            for (int s = 0; s < NAMES; s++) {
                mean += d[s] / NAMES;
                loss += (base[s] + d[s]) * predictions[s] / nPredictions;
                max = Math.max(max, d[s]);
                // Δ within rounding of 0 (the job batches samples, this test does not) may fall either way.
                hurt += d[s] > 1e-6 ? 1 : 0;
                maybeHurt += d[s] > -1e-6 ? 1 : 0;
            }
            double var = 0;
            for (double x : d) {
                var += (x - mean) * (x - mean) / (NAMES - 1);
            }
            double std = Math.sqrt(var);
            assertThat((long) row.getAs("n_samples")).isEqualTo(NAMES);
            assertThat((long) row.getAs("n_predictions")).isEqualTo(nPredictions);
            assertThat((double) row.getAs("base_loss")).isCloseTo(baseLoss, within(1e-6));
            assertThat((double) row.getAs("loss")).as(text).isCloseTo(loss, within(1e-6));
            assertThat((double) row.getAs("delta_loss")).as(text).isCloseTo(loss - baseLoss, within(1e-6));
            assertThat((double) row.getAs("delta_mean")).as(text).isCloseTo(mean, within(1e-6));
            assertThat((double) row.getAs("delta_std")).as(text).isCloseTo(std, within(1e-6));
            assertThat((double) row.getAs("delta_ci_low"))
                    .isCloseTo(mean - 1.96 * std / Math.sqrt(NAMES), within(1e-6));
            assertThat((double) row.getAs("delta_ci_high"))
                    .isCloseTo(mean + 1.96 * std / Math.sqrt(NAMES), within(1e-6));
            assertThat((double) row.getAs("frac_hurt"))
                    .as(text)
                    .isBetween((double) hurt / NAMES, (double) maybeHurt / NAMES);
            assertThat((double) row.getAs("max_delta")).as(text).isCloseTo(max, within(1e-6));
            String kind = row.getAs("kind");
            assertThat(row.isNullAt(row.fieldIndex("grad_proxy"))).as(text).isEqualTo(!kind.equals("zero"));
        }
        Row self = rows.stream()
                .filter(r -> r.getAs("intervention").equals("merge 1.1+1@0.5"))
                .findFirst()
                .orElseThrow();
        assertThat((double) self.getAs("delta_loss")).isEqualTo(0.0);
        assertThat((double) self.getAs("max_delta")).isEqualTo(0.0);
        Row merge = rows.stream()
                .filter(r -> r.getAs("intervention").equals("merge 0.0+1@0.25"))
                .findFirst()
                .orElseThrow();
        assertThat((String) merge.getAs("kind")).isEqualTo("merge");
        assertThat((int) merge.getAs("head2")).isEqualTo(1);
        assertThat((double) merge.getAs("alpha")).isEqualTo(0.25);
        assertThat(run.out()).contains("merges a head with itself, which changes nothing (Δ = 0)");
    }

    @Test
    void printsTheRankingAndSpearmanAndRecordsThem() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Row> zeros = Tables.read(spark, out.toString(), AblationTables.HEAD_ABLATION, "ablate")
                .where("kind = 'zero'")
                .orderBy(org.apache.spark.sql.functions.col("delta_loss").desc())
                .collectAsList();
        assertThat(zeros).hasSize(4);
        double rho = RankCorrelation.spearman(
                zeros.stream().mapToDouble(r -> r.getAs("grad_proxy")).toArray(),
                zeros.stream().mapToDouble(r -> r.getAs("delta_mean")).toArray());
        Row top = zeros.get(0);
        assertThat(run.out())
                .contains(String.format(
                        java.util.Locale.ROOT,
                        "1. head %d.%d: delta_loss %+.4f",
                        top.<Integer>getAs("layer"),
                        top.<Integer>getAs("head"),
                        top.<Double>getAs("delta_loss")))
                .contains(String.format(
                        java.util.Locale.ROOT,
                        "Spearman ρ(grad_proxy, delta_mean) over 4 single-head zero ablations = %.3f",
                        rho));
        Row manifest = Tables.read(spark, out.toString(), Schemas.RUN_MANIFEST, "ablate")
                .where("job = 'ablate'")
                .first();
        Map<String, String> details = manifest.getJavaMap(manifest.fieldIndex("details"));
        assertThat(Double.parseDouble(details.get("spearman_grad_proxy_delta_mean")))
                .isCloseTo(rho, within(1e-12));
        assertThat(details.get("zero_ranking"))
                .startsWith(String.format("1. head %d.%d", top.<Integer>getAs("layer"), top.<Integer>getAs("head")));
    }

    @Test
    void writesPerSampleDeltasAndRejects() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Tables.read(spark, out.toString(), AblationTables.ABLATION_DELTAS, "ablate")
                        .count())
                .isEqualTo((long) NAMES * 8);
        List<Row> rejects =
                Tables.read(spark, out.toString(), Schemas.REJECTS, "ablate").collectAsList();
        assertThat(rejects).hasSize(3);
        assertThat(rejects.stream().map(r -> r.<String>getAs("reason")))
                .allMatch(reason -> reason.startsWith("ablate: "))
                .anyMatch(reason -> reason.contains("one token"))
                .anyMatch(reason -> reason.contains("empty sample"))
                .anyMatch(reason -> reason.contains("n_positions"));
    }

    @Test
    void badInputIsOneLineWithExitCodeTwo() {
        Map<List<String>, String> cases = Map.of(
                List.of("--intervene", "zero 5.0"), "intervention \"zero 5.0\": layer 5 does not exist",
                List.of("--intervene", "merge 0.0+1.1"), "a merge joins two heads of one layer",
                List.of("--intervene", "merge 0.0+1@2"), "α 2 is outside [0, 1]",
                List.of("--sweep", "zero", "--samples", "0"), "--samples must be all",
                List.of("--sweep", "half"), "--sweep must be zero or mean, got \"half\"",
                List.of(), "ablate needs --sweep zero|mean or at least one --intervene SPEC");
        for (Map.Entry<List<String>, String> c : cases.entrySet()) {
            List<String> args = new ArrayList<>(List.of(
                    "ablate",
                    "--model",
                    model.toString(),
                    "--tokens",
                    tokens.toString(),
                    "--out",
                    tmp.resolve("bad").toString()));
            args.addAll(c.getKey());
            CliRun bad = CliRun.of(args.toArray(String[]::new));
            assertThat(bad.exitCode()).as(bad.err()).isEqualTo(2);
            assertThat(bad.err().strip())
                    .as(c.getKey().toString())
                    .contains(c.getValue())
                    .doesNotContain("\n");
        }
    }
}
