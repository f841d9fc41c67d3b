package io.headwise.jobs;

import static io.headwise.testing.ExtractFixtures.NAMES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.explain.Rollout;
import io.headwise.explain.ValueWeighting;
import io.headwise.metrics.JensenShannon;
import io.headwise.model.Analyzer;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.GptConfig;
import io.headwise.model.MlpActivation;
import io.headwise.model.SampleResult;
import io.headwise.spark.ModelCache;
import io.headwise.spark.PatternSelection;
import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.CharTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code extract} end to end on 300 names and three bad samples with a small random names model:
 * exact row counts, equality with {@code inspect} per sample, rejects, options and refusals.
 */
class ExtractIT {

    static final int NAMES = 300;
    static final int LAYERS = NAMES_CONFIG.nLayer();
    static final int HEADS = NAMES_CONFIG.nHead();

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
    static void extractOnce() {
        spark = SparkTestSession.get();
        tokenizer = ExtractFixtures.namesTokenizer();
        names = ExtractFixtures.allNames().subList(0, NAMES);
        model = ExtractFixtures.randomModel(tmp.resolve("model"), NAMES_CONFIG, tokenizer.toTokenizerJson(), 7);
        List<Row> rows = new ArrayList<>(ExtractFixtures.nameRows(tokenizer, names));
        rows.add(ExtractFixtures.tokensRow(ExtractFixtures.sampleId(9001), 9001, new int[0], List.of()));
        rows.add(ExtractFixtures.tokensRow(
                ExtractFixtures.sampleId(9002), 9002, new int[] {0, 27, 0}, List.of(".", "?", ".")));
        int[] tooLong = new int[NAMES_CONFIG.nPositions() + 1];
        rows.add(ExtractFixtures.tokensRow(
                ExtractFixtures.sampleId(9003),
                9003,
                tooLong,
                IntStream.range(0, tooLong.length).mapToObj(i -> ".").toList()));
        tokens = ExtractFixtures.writeTokens(spark, tmp.resolve("tokens"), rows, tokenizer.toTokenizerJson(), 3);
        out = tmp.resolve("out");
        run = CliRun.of(
                "extract",
                "--model",
                model.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                out.toString(),
                "--patterns",
                "all",
                "--batch-size",
                "16");
    }

    static Dataset<Row> table(Path runDir, String name) {
        return Tables.read(spark, runDir.toString(), name, "extract");
    }

    static int totalTokens() {
        return names.stream().mapToInt(n -> n.length() + 2).sum();
    }

    @Test
    void writesEveryTableWithExactRowCounts() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        int tokensTotal = totalTokens();
        assertThat(table(out, Schemas.HEAD_STATS).count()).isEqualTo((long) NAMES * LAYERS * HEADS);
        assertThat(table(out, Schemas.TOKEN_STATS).count()).isEqualTo(tokensTotal);
        assertThat(table(out, Schemas.ACTIVATIONS).count()).isEqualTo((long) tokensTotal * LAYERS);
        assertThat(table(out, Schemas.ATTENTION).count()).isEqualTo((long) NAMES * LAYERS * HEADS);
        assertThat(table(out, Schemas.REJECTS).count()).isEqualTo(3);
        // --explain follows --patterns: every name (≥ 3 tokens) has both attributions.
        assertThat(table(out, Schemas.ATTRIBUTIONS).count()).isEqualTo(2L * NAMES);
        assertThat(table(out, Schemas.LOGIT_LENS).count()).isEqualTo((long) tokensTotal * LAYERS);
        assertThat(table(out, Schemas.ATTENTION).where("value_weighted IS NULL").count())
                .isZero();
        assertThat(run.out()).containsPattern("head_stats\\s+1,200 rows").contains("300 through the model");
        // The model ran once per sample although six tables were written.
        Row manifest = table(out, Schemas.RUN_MANIFEST).where("job = 'extract'").first();
        assertThat(manifest.<String, String>getJavaMap(manifest.fieldIndex("details")))
                .containsEntry("samples_analysed", "300")
                .containsEntry("patterns", "all")
                .containsEntry("distances", "all")
                .containsEntry("explain", "all")
                .containsEntry("gradients", "true");
        Map<String, Long> counted = manifest.getJavaMap(manifest.fieldIndex("row_counts"));
        assertThat(counted).containsEntry("head_stats", 1200L);
        // The manifest's counts come from the Parquet footers: each equals Spark's count of its table.
        for (String name : ExtractJob.TABLES) {
            assertThat(counted).as(name).containsEntry(name, table(out, name).count());
        }
        assertThat(Tables.list(spark, out.toString()))
                .doesNotContain("_staging")
                .contains("head_token_mass");
    }

    /**
     * {@code head_distances} pools every attention row q ≥ 1 of every analysed sample (all patterns
     * are kept here, so the attention table holds them all): each pair's distance is the mean
     * Jensen–Shannon divergence of the two heads' rows, recomputed here from the table.
     */
    @Test
    void headDistancesAreTheMeanDivergenceOfEveryAttentionRow() {
        int h = LAYERS * HEADS;
        Map<Long, float[][][]> bySample = new HashMap<>();
        for (Row row : table(out, Schemas.ATTENTION).collectAsList()) {
            List<List<Float>> pattern = row.getList(3).stream()
                    .map(r -> scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Float>) r))
                    .toList();
            float[][] rows = new float[pattern.size()][];
            for (int q = 0; q < rows.length; q++) {
                rows[q] = new float[pattern.get(q).size()];
                for (int k = 0; k < rows[q].length; k++) {
                    rows[q][k] = pattern.get(q).get(k);
                }
            }
            bySample.computeIfAbsent(row.getLong(0), id -> new float[h][][])[row.getInt(1) * HEADS + row.getInt(2)] =
                    rows;
        }
        double[][] sum = new double[h][h];
        long n = 0;
        for (float[][][] heads : bySample.values()) {
            for (int q = 1; q < heads[0].length; q++) {
                n++;
                for (int a = 0; a < h; a++) {
                    for (int b = 0; b < h; b++) {
                        sum[a][b] += JensenShannon.divergence(heads[a][q], heads[b][q]);
                    }
                }
            }
        }
        assertThat(n).isEqualTo(totalTokens() - NAMES);
        List<Row> distances = table(out, Schemas.HEAD_DISTANCES).collectAsList();
        assertThat(distances).hasSize(h * h);
        for (Row r : distances) {
            int a = r.getInt(0) * HEADS + r.getInt(1);
            int b = r.getInt(2) * HEADS + r.getInt(3);
            double expected = a == b ? 0.0 : sum[a][b] / n;
            assertThat(r.getDouble(4)).as("js(%d, %d)", a, b).isCloseTo(expected, within(1e-9));
        }
    }

    @Test
    void footerCountsSkipWhatSparkSkipsAndDescendIntoPartitions() throws Exception {
        Path table = tmp.resolve("counted");
        spark.range(0, 1000, 1, 3)
                .selectExpr("id", "id % 2 AS half")
                .write()
                .partitionBy("half")
                .parquet(table.toString());
        // Leftovers Spark's listing ignores: a failed attempt's directory and a hidden file, both with rows.
        Path part = Files.list(table.resolve("half=0"))
                .filter(f -> f.getFileName().toString().endsWith(".parquet"))
                .findFirst()
                .orElseThrow();
        Files.createDirectories(table.resolve("_temporary/0"));
        Files.copy(part, table.resolve("_temporary/0").resolve(part.getFileName()));
        Files.copy(part, table.resolve("half=1").resolve("." + part.getFileName()));

        assertThat(Tables.committedRows(spark, table.toString()))
                .isEqualTo(spark.read().parquet(table.toString()).count())
                .isEqualTo(1000L);
    }

    @Test
    void everyValueIsFinite() {
        for (String name :
                List.of(Schemas.HEAD_STATS, Schemas.TOKEN_STATS, Schemas.ACTIVATIONS, Schemas.HEAD_TOKEN_MASS)) {
            Dataset<Row> t = table(out, name);
            for (Row row : t.collectAsList()) {
                for (int i = 0; i < row.length(); i++) {
                    if (row.get(i) instanceof Double d) {
                        assertThat(Double.isFinite(d)).as("%s %s", name, row).isTrue();
                    }
                }
            }
        }
        assertThat(table(out, Schemas.TOKEN_STATS).where("loss IS NULL").count())
                .isEqualTo(NAMES);
        assertThat(table(out, Schemas.TOKEN_STATS)
                        .where("grad_norm IS NULL OR grad_x_input IS NULL")
                        .count())
                .isZero();
        assertThat(table(out, Schemas.HEAD_STATS).where("head_grad IS NULL").count())
                .isZero();
    }

    @Test
    void headTokenMassSumsEveryQueryRow() {
        // Each query row q ≥ 1 sums to 1, so a head's total mass is Σ (T − 1) over the samples.
        List<Row> totals = table(out, Schemas.HEAD_TOKEN_MASS)
                .groupBy("layer", "head")
                .sum("mass")
                .collectAsList();
        assertThat(totals).hasSize(LAYERS * HEADS);
        double expected = names.stream().mapToInt(n -> n.length() + 1).sum();
        for (Row total : totals) {
            assertThat(total.getDouble(2)).isCloseTo(expected, within(1e-6 * expected));
        }
        assertThat(table(out, Schemas.HEAD_TOKEN_MASS)
                        .where("token_id = 0 AND token <> '.'")
                        .count())
                .isZero();
    }

    @Test
    void everySampleEqualsInspect() {
        Map<Long, Map<String, Row>> headStats = byKey(table(out, Schemas.HEAD_STATS), "layer", "head");
        Map<Long, Map<String, Row>> tokenStats = byKey(table(out, Schemas.TOKEN_STATS), "position");
        Map<Long, Map<String, Row>> attention = byKey(table(out, Schemas.ATTENTION), "layer", "head");
        Map<Long, Map<String, Row>> activations = byKey(table(out, Schemas.ACTIVATIONS), "layer", "position");
        for (int i = 0; i < NAMES; i++) {
            long id = ExtractFixtures.sampleId(i + 1);
            CliRun inspect = CliRun.withoutSpark(
                    "inspect", "--model", model.toString(), "--text", names.get(i), "--format", "json");
            assertThat(inspect.exitCode()).as(inspect.err()).isZero();
            JsonObject json = JsonParser.parseString(inspect.out()).getAsJsonObject();
            String where = names.get(i);
            for (var stat : json.getAsJsonArray("head_stats")) {
                JsonObject s = stat.getAsJsonObject();
                Row row = headStats.get(id).get(s.get("layer") + "/" + s.get("head"));
                for (String key : List.of(
                        "n_queries",
                        "entropy",
                        "distance",
                        "prev_token",
                        "first_token",
                        "self",
                        "max_weight",
                        "head_grad")) {
                    assertThat(((Number) row.getAs(key)).doubleValue())
                            .as("%s %s", where, key)
                            .isCloseTo(s.get(key).getAsDouble(), within(1e-5));
                }
            }
            JsonArray loss = json.getAsJsonArray("loss");
            for (int p = 0; p < loss.size(); p++) {
                Row row = tokenStats.get(id).get(Integer.toString(p));
                assertThat(row.<String>getAs("token"))
                        .isEqualTo(json.getAsJsonArray("tokens").get(p).getAsString());
                if (loss.get(p).isJsonNull()) {
                    assertThat(row.<Double>getAs("loss")).isNull();
                } else {
                    assertThat(row.<Double>getAs("loss"))
                            .as(where)
                            .isCloseTo(loss.get(p).getAsDouble(), within(1e-5));
                }
                assertThat(row.<Double>getAs("grad_norm"))
                        .as(where)
                        .isCloseTo(json.getAsJsonArray("grad_norm").get(p).getAsDouble(), within(1e-5));
                assertThat(row.<Double>getAs("grad_x_input"))
                        .as(where)
                        .isCloseTo(json.getAsJsonArray("grad_x_input").get(p).getAsDouble(), within(1e-5));
            }
            JsonArray patterns = json.getAsJsonArray("patterns");
            for (int l = 0; l < LAYERS; l++) {
                for (int h = 0; h < HEADS; h++) {
                    List<scala.collection.Seq<Float>> pattern =
                            attention.get(id).get(l + "/" + h).getList(3);
                    JsonArray expected = patterns.get(l).getAsJsonArray().get(h).getAsJsonArray();
                    assertThat(pattern).hasSize(expected.size());
                    for (int q = 0; q < expected.size(); q++) {
                        List<Float> got = scala.jdk.javaapi.CollectionConverters.asJava(pattern.get(q));
                        assertThat(got).hasSize(q + 1);
                        for (int k = 0; k <= q; k++) {
                            assertThat(got.get(k))
                                    .as(where)
                                    .isCloseTo(
                                            expected.get(q)
                                                    .getAsJsonArray()
                                                    .get(k)
                                                    .getAsFloat(),
                                            within(1e-5f));
                        }
                    }
                }
                JsonArray resid = json.getAsJsonArray("resid_norm").get(l).getAsJsonArray();
                for (int p = 0; p < resid.size(); p++) {
                    assertThat(activations.get(id).get(l + "/" + p).<Double>getAs("resid_norm"))
                            .as(where)
                            .isCloseTo(resid.get(p).getAsDouble(), within(1e-5));
                }
            }
        }
    }

    @Test
    void mlpTopKEqualsTheAnalyzerAlone() {
        Map<Long, Map<String, Row>> activations = byKey(table(out, Schemas.ACTIVATIONS), "layer", "position");
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(Checkpoint.read(model, manager)), manager, 8, false);
            for (int i = 0; i < 20; i++) {
                SampleResult r = analyzer.analyze(List.of(tokenizer.encode(names.get(i))))
                        .get(0);
                Map<String, Row> rows = activations.get(ExtractFixtures.sampleId(i + 1));
                for (int l = 0; l < LAYERS; l++) {
                    for (int p = 0; p < r.length(); p++) {
                        Row row = rows.get(l + "/" + p);
                        assertThat(row.<Integer>getList(4))
                                .containsExactlyElementsOf(IntStream.of(r.mlpTopIds()[l][p])
                                        .boxed()
                                        .toList());
                        List<Float> values = row.getList(5);
                        for (int k = 0; k < 8; k++) {
                            assertThat(values.get(k)).isCloseTo(r.mlpTopValues()[l][p][k], within(1e-5f));
                        }
                    }
                }
            }
        }
    }

    /**
     * A model with Hugging Face's other options (an MLP of 24, no √D, scores divided by l + 1, the
     * exact GELU) read by the tasks from its config.json gives what the analyzer gives in-process.
     */
    @Test
    void aModelWithOtherHuggingFaceOptionsIsComputedAsItsConfigSays() {
        GptConfig variant =
                NAMES_CONFIG.withMlpWidth(24).withAttentionScaling(false, true).withActivation(MlpActivation.GELU);
        Path variantModel =
                ExtractFixtures.randomModel(tmp.resolve("variant-model"), variant, tokenizer.toTokenizerJson(), 7);
        Path variantOut = tmp.resolve("variant-out");
        CliRun variantRun = CliRun.of(
                "extract",
                "--model",
                variantModel.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                variantOut.toString(),
                "--patterns",
                "none");
        assertThat(variantRun.exitCode()).as(variantRun.err()).isZero();
        Map<Long, Map<String, Row>> headStats = byKey(table(variantOut, Schemas.HEAD_STATS), "layer", "head");
        Map<Long, Map<String, Row>> tokenStats = byKey(table(variantOut, Schemas.TOKEN_STATS), "position");
        Map<Long, Map<String, Row>> activations = byKey(table(variantOut, Schemas.ACTIVATIONS), "layer", "position");
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(Checkpoint.read(variantModel, manager)), manager, 8, true);
            for (int i = 0; i < 20; i++) {
                long id = ExtractFixtures.sampleId(i + 1);
                SampleResult r = analyzer.analyze(List.of(tokenizer.encode(names.get(i))))
                        .get(0);
                for (int p = 0; p + 1 < r.length(); p++) {
                    assertThat(tokenStats.get(id).get(Integer.toString(p)).<Double>getAs("loss"))
                            .isCloseTo(r.loss()[p], within(1e-5));
                    assertThat(tokenStats.get(id).get(Integer.toString(p)).<Double>getAs("grad_norm"))
                            .isCloseTo(r.gradNorm()[p], within(1e-5));
                }
                for (int l = 0; l < LAYERS; l++) {
                    for (int h = 0; h < HEADS; h++) {
                        assertThat(headStats.get(id).get(l + "/" + h).<Double>getAs("head_grad"))
                                .isCloseTo(r.headGrad()[l][h], within(1e-5));
                    }
                    for (int p = 0; p < r.length(); p++) {
                        Row row = activations.get(id).get(l + "/" + p);
                        assertThat(row.<Double>getAs("resid_norm")).isCloseTo(r.residNorm()[l][p], within(1e-5));
                        assertThat(row.<Float>getList(5).get(0)).isCloseTo(r.mlpTopValues()[l][p][0], within(1e-5f));
                    }
                }
            }
        }
    }

    @Test
    void rejectsNameTheBadSamples() {
        Map<Long, Row> rejects = table(out, Schemas.REJECTS).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getLong(1), r -> r));
        assertThat(rejects.keySet()).containsExactlyInAnyOrder(9001L, 9002L, 9003L);
        assertThat(rejects.get(9001L).getString(2)).isEqualTo("extract: empty sample (no tokens)");
        assertThat(rejects.get(9001L).getString(3)).isEmpty();
        assertThat(rejects.get(9002L).getString(2))
                .isEqualTo("extract: token id 27 at position 1 is outside the model's vocabulary (vocab_size 27)");
        assertThat(rejects.get(9002L).getString(3)).isEqualTo(".?.");
        assertThat(rejects.get(9003L).getString(2))
                .isEqualTo("extract: 21 tokens, longer than the model's n_positions (20)");
        assertThat(rejects.get(9003L).getString(0)).isEqualTo("names.txt");
    }

    @Test
    void withoutGradientsAndWithAFractionOfPatterns() {
        Path out2 = tmp.resolve("out-no-grad");
        long loads = ModelCache.loads();
        CliRun r = CliRun.of(
                "extract",
                "--model",
                model.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                out2.toString(),
                "--patterns",
                "0.5",
                "--no-gradients",
                "--mlp-top-k",
                "3",
                "--distances",
                "none");
        assertThat(r.exitCode()).as(r.err()).isZero();
        // No sample's rows compared: no pair has a distance, so the table has no rows.
        assertThat(table(out2, Schemas.HEAD_DISTANCES).count()).isZero();
        Row manifest =
                table(out2, Schemas.RUN_MANIFEST).where("job = 'extract'").first();
        assertThat(manifest.<String, String>getJavaMap(manifest.fieldIndex("details")))
                .containsEntry("distances", "none");
        assertThat(ModelCache.loads())
                .as("the model of the first run, still cached in this (executor) JVM")
                .isEqualTo(loads);
        assertThat(table(out2, Schemas.HEAD_STATS)
                        .where("head_grad IS NOT NULL")
                        .count())
                .isZero();
        assertThat(table(out2, Schemas.TOKEN_STATS)
                        .where("grad_norm IS NOT NULL OR grad_x_input IS NOT NULL")
                        .count())
                .isZero();
        assertThat(table(out2, Schemas.TOKEN_STATS).where("loss IS NOT NULL").count())
                .isEqualTo(totalTokens() - NAMES);
        assertThat(table(out2, Schemas.ACTIVATIONS)
                        .where("size(mlp_top_ids) <> 3")
                        .count())
                .isZero();
        PatternSelection half = PatternSelection.parse("0.5");
        Set<Long> expected = IntStream.rangeClosed(1, NAMES)
                .mapToObj(ExtractFixtures::sampleId)
                .filter(half::selects)
                .collect(Collectors.toSet());
        assertThat(expected.size()).isBetween(110, 190);
        Set<Long> written = table(out2, Schemas.ATTENTION).select("sample_id").distinct().collectAsList().stream()
                .map(row -> row.getLong(0))
                .collect(Collectors.toSet());
        assertThat(written).isEqualTo(expected);
    }

    @Test
    void patternsForListedIds() {
        Path out3 = tmp.resolve("out-ids");
        long a = ExtractFixtures.sampleId(5);
        long b = ExtractFixtures.sampleId(77);
        CliRun r = CliRun.of(
                "extract",
                "--model",
                model.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                out3.toString(),
                "--patterns",
                "ids:" + a + "," + b);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(table(out3, Schemas.ATTENTION).count()).isEqualTo(2L * LAYERS * HEADS);
        assertThat(table(out3, Schemas.ATTENTION)
                        .where("sample_id NOT IN (" + a + ", " + b + ")")
                        .count())
                .isZero();
    }

    /**
     * {@code --explain} apart from {@code --patterns}: explanations only for its samples, {@code
     * value_weighted} only where both select a sample, and every explained number equal to what the
     * analyzer gives in-process.
     */
    @Test
    void explanationsForListedIdsEqualTheAnalyzer() {
        Path outExplain = tmp.resolve("out-explain");
        int[] indices = {5, 77, 140};
        long a = ExtractFixtures.sampleId(indices[0] + 1);
        long b = ExtractFixtures.sampleId(indices[1] + 1);
        long c = ExtractFixtures.sampleId(indices[2] + 1);
        CliRun r = CliRun.of(
                "extract",
                "--model",
                model.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                outExplain.toString(),
                "--patterns",
                "ids:" + a + "," + b,
                "--explain",
                "ids:" + b + "," + c,
                "--no-gradients");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("explain ids:" + b + "," + c);
        Map<Long, Map<String, Row>> attributions = byKey(table(outExplain, Schemas.ATTRIBUTIONS), "method");
        Map<Long, Map<String, Row>> lens = byKey(table(outExplain, Schemas.LOGIT_LENS), "layer", "position");
        Map<Long, Map<String, Row>> attention = byKey(table(outExplain, Schemas.ATTENTION), "layer", "head");
        assertThat(attributions.keySet()).containsExactlyInAnyOrder(b, c);
        assertThat(lens.keySet()).containsExactlyInAnyOrder(b, c);
        assertThat(attention.keySet()).containsExactlyInAnyOrder(a, b);
        assertThat(attention.get(a).values())
                .allSatisfy(row -> assertThat(row.isNullAt(4)).isTrue());
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(Checkpoint.read(model, manager)), manager, 0, false);
            for (int i : new int[] {indices[1], indices[2]}) {
                long id = ExtractFixtures.sampleId(i + 1);
                SampleResult want = analyzer.analyze(List.of(tokenizer.encode(names.get(i))), new boolean[] {true})
                        .get(0);
                int t = want.length();
                assertMatrix(attributions.get(id).get("rollout"), 2, Rollout.of(want.patterns()));
                assertMatrix(
                        attributions.get(id).get("grad_rollout"),
                        2,
                        want.explanation().gradRollout());
                for (int l = 0; l < LAYERS; l++) {
                    for (int p = 0; p < t; p++) {
                        Row row = lens.get(id).get(l + "/" + p);
                        int top = want.explanation().lensTopId()[l][p];
                        assertThat(row.getInt(3)).isEqualTo(top);
                        assertThat(row.getString(4)).isEqualTo(tokenizer.vocab().get(top));
                        assertThat(row.getDouble(5))
                                .isCloseTo(want.explanation().lensTopProb()[l][p], within(1e-5));
                        if (p < t - 1) {
                            assertThat(row.getDouble(6))
                                    .isCloseTo(want.explanation().lensTargetProb()[l][p], within(1e-5));
                            assertThat(row.getInt(7))
                                    .isEqualTo(want.explanation().lensTargetRank()[l][p]);
                        } else {
                            assertThat(row.isNullAt(6)).isTrue();
                            assertThat(row.isNullAt(7)).isTrue();
                        }
                    }
                    for (int h = 0; h < HEADS && id == b; h++) {
                        assertMatrix(
                                attention.get(id).get(l + "/" + h),
                                4,
                                ValueWeighting.of(
                                        want.patterns()[l][h],
                                        want.explanation().valueNorms()[l][h]));
                    }
                }
            }
        }
    }

    /** Column {@code column} of {@code row}, an {@code array<array<float>>}, equals {@code want} within 1e-5. */
    private static void assertMatrix(Row row, int column, float[][] want) {
        List<scala.collection.Seq<Float>> matrix = row.getList(column);
        assertThat(matrix).hasSize(want.length);
        for (int q = 0; q < want.length; q++) {
            List<Float> got = scala.jdk.javaapi.CollectionConverters.asJava(matrix.get(q));
            assertThat(got).hasSize(want[q].length);
            for (int k = 0; k < want[q].length; k++) {
                assertThat(got.get(k)).isCloseTo(want[q][k], within(1e-5f));
            }
        }
    }

    @Test
    void existingOutputNeedsOverwriteAndOtherJobsRejectsAreKept() {
        Path out4 = tmp.resolve("out-overwrite");
        Row earlier = RowFactory.create("names.txt", 42L, "tokenize: line has no characters", "");
        Tables.write(spark.createDataFrame(List.of(earlier), Schemas.REJECTS_SCHEMA), out4.toString(), Schemas.REJECTS);
        String[] args = {
            "extract",
            "--model",
            model.toString(),
            "--tokens",
            tokens.toString(),
            "--out",
            out4.toString(),
            "--patterns",
            "none"
        };
        assertThat(CliRun.of(args).exitCode()).isZero();
        assertThat(table(out4, Schemas.REJECTS).count()).isEqualTo(4);
        assertThat(table(out4, Schemas.ATTENTION).count()).isZero();

        CliRun badDistances = CliRun.of(java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args), java.util.stream.Stream.of("--distances", "2"))
                .toArray(String[]::new));
        assertThat(badDistances.exitCode()).isEqualTo(2);
        assertThat(badDistances.err().strip())
                .isEqualTo("headwise extract: --distances: a fraction must be in [0, 1], got 2.0");

        CliRun again = CliRun.of(args);
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().strip())
                .isEqualTo("headwise extract: " + out4.resolve("head_stats")
                        + " already exists; pass --overwrite to replace it");

        String[] overwrite = java.util.stream.Stream.concat(
                        java.util.Arrays.stream(args), java.util.stream.Stream.of("--overwrite"))
                .toArray(String[]::new);
        assertThat(CliRun.of(overwrite).exitCode()).isZero();
        assertThat(table(out4, Schemas.REJECTS).count()).isEqualTo(4);
        assertThat(table(out4, Schemas.HEAD_STATS).count()).isEqualTo((long) NAMES * LAYERS * HEADS);
    }

    @Test
    void refusesTokensOfAnotherTokenizer() throws IOException {
        Path other = tmp.resolve("tokens-other");
        ExtractFixtures.writeTokens(
                spark, other, ExtractFixtures.nameRows(tokenizer, names.subList(0, 5)), gpt2TinyTokenizer(), 1);
        CliRun r = CliRun.of(
                "extract",
                "--model",
                model.toString(),
                "--tokens",
                other.toString(),
                "--out",
                tmp.resolve("o5").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err())
                .contains(other.toString())
                .contains("another tokenizer than " + model + "/tokenizer.json")
                .doesNotContain("Exception")
                .hasLineCount(1);

        Files.delete(other.resolve("tokenizer.json"));
        CliRun unknown = CliRun.of(
                "extract",
                "--model",
                model.toString(),
                "--tokens",
                other.resolve("tokens").toString(),
                "--out",
                tmp.resolve("o5").toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("cannot tell which tokenizer made these tokens");
        assertThat(tmp.resolve("o5")).doesNotExist();
    }

    @Test
    void refusesAMissingOrIncompleteModel() throws IOException {
        CliRun missing = CliRun.of(
                "extract",
                "--model",
                tmp.resolve("nope").toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                tmp.resolve("o6").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err())
                .contains(tmp.resolve("nope") + ": model directory does not exist")
                .hasLineCount(1);

        Path incomplete = tmp.resolve("incomplete");
        Files.createDirectories(incomplete);
        Files.copy(model.resolve("config.json"), incomplete.resolve("config.json"));
        Files.copy(model.resolve("tokenizer.json"), incomplete.resolve("tokenizer.json"));
        CliRun noWeights = CliRun.of(
                "extract",
                "--model",
                incomplete.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                tmp.resolve("o6").toString());
        assertThat(noWeights.exitCode()).isEqualTo(2);
        assertThat(noWeights.err()).contains(incomplete + ": no model.safetensors in the model directory");
        assertThat(tmp.resolve("o6")).doesNotExist();
    }

    @Test
    void aFailedRunLeavesNothingThatLooksComplete() {
        Path out7 = tmp.resolve("out-failed");
        // No task of this machine has a GPU, so every task fails.
        CliRun r = CliRun.of(
                "extract",
                "--model",
                model.toString(),
                "--tokens",
                tokens.toString(),
                "--out",
                out7.toString(),
                "--device",
                "gpu");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("this task was given no GPU");
        assertThat(Tables.list(spark, out7.toString())).isEmpty();
        if (Files.exists(out7)) {
            assertThat(out7.toFile().list()).isEmpty();
        }
    }

    /** The gpt2-tiny fixture's tokenizer.json (on the class path, maybe inside the udfs test jar). */
    static String gpt2TinyTokenizer() throws IOException {
        try (var in = Fixtures.class.getClassLoader().getResourceAsStream("gpt2-tiny/tokenizer.json")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** sample_id → (the key columns joined with '/') → row. */
    static Map<Long, Map<String, Row>> byKey(Dataset<Row> table, String... keys) {
        Map<Long, Map<String, Row>> map = new HashMap<>();
        for (Row row : table.collectAsList()) {
            String key = java.util.Arrays.stream(keys)
                    .map(k -> String.valueOf((Object) row.getAs(k)))
                    .collect(Collectors.joining("/"));
            map.computeIfAbsent(row.getLong(0), id -> new HashMap<>()).put(key, row);
        }
        return map;
    }
}
