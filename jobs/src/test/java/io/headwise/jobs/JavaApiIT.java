package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headwise.model.GptConfig;
import io.headwise.spark.Schemas;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * tokenize → extract → summarize from Java, the way a spark-shell or notebook user runs them:
 * options built with the builders, {@code run(spark)}, results read from the returned records. No
 * command line is built or parsed ({@code JobsWithoutPicocliTest} checks that the job classes do
 * not refer to picocli at all). The first eight names of names.txt, a random 2 × 2 model on their
 * char vocabulary; expected numbers come from the names and from the written tables, computed
 * here by the SPEC's definitions.
 */
class JavaApiIT {

    private static final int NAMES = 8;
    private static final int LAYERS = 2;
    private static final int HEADS = 2;
    private static final double EPS = 1e-9;

    @TempDir
    static Path tmp;

    private static SparkSession spark;
    private static List<String> names;
    private static String run;
    private static TokenizeJob.Result tokenized;
    private static ExtractJob.Result extracted;
    private static SummarizeJob.Result summarized;

    @BeforeAll
    static void runThePipelineFromJava() throws IOException {
        spark = SparkTestSession.get();
        names = ExtractFixtures.allNames().subList(0, NAMES);
        Path input = Files.write(tmp.resolve("names.txt"), names);
        run = tmp.resolve("run").toString();

        tokenized = new TokenizeJob(TokenizeJob.Options.builder()
                        .corpus(CorpusOptions.builder()
                                .input(input.toString())
                                .format("lines")
                                .build())
                        .tokenizer(TokenizeJob.CHAR)
                        .out(run)
                        .build())
                .run(spark);

        String tokenizerJson = Files.readString(Path.of(tokenized.tokenizer()));
        GptConfig config = GptConfig.of(vocabulary().size(), 12, 16, LAYERS, HEADS);
        Path model = ExtractFixtures.randomModel(tmp.resolve("model"), config, tokenizerJson, 3);
        extracted = new ExtractJob(ExtractJob.Options.builder()
                        .model(model.toString())
                        .tokens(run)
                        .out(run)
                        .patterns("all")
                        .build())
                .run(spark);

        summarized = new SummarizeJob(SummarizeJob.Options.builder().tables(run).build()).run(spark);
    }

    /** The char vocabulary tokenize builds: {@code .}, then the names' characters in code-point order. */
    private static List<Character> vocabulary() {
        TreeSet<Character> chars = new TreeSet<>();
        for (String name : names) {
            for (char c : name.toCharArray()) {
                chars.add(c);
            }
        }
        List<Character> vocabulary = new ArrayList<>(List.of('.'));
        vocabulary.addAll(chars);
        return vocabulary;
    }

    /** Tokens per name: the name between two dots. */
    private static int length(String name) {
        return name.length() + 2;
    }

    private static long allTokens() {
        return names.stream().mapToLong(JavaApiIT::length).sum();
    }

    private static long rowsOnDisk(String table) {
        return spark.read().parquet(Tables.path(run, table)).count();
    }

    @Test
    void tokenizeReturnsItsTablesAndTheDocumentsItUsed() {
        assertThat(tokenized.tables())
                .containsExactly(
                        new WrittenTable(Schemas.TOKENS, Tables.path(run, Schemas.TOKENS), NAMES),
                        new WrittenTable(Schemas.REJECTS, Tables.path(run, Schemas.REJECTS), 0));
        assertThat(tokenized.documents()).isEqualTo(NAMES);
        assertThat(tokenized.inputFiles()).isEqualTo(1);
        assertThat(tokenized.skipped()).isEmpty();
        assertThat(tokenized.tokenizer()).isEqualTo(Tables.path(run, "tokenizer.json"));
        assertThat(rowsOnDisk(Schemas.TOKENS)).isEqualTo(NAMES);

        List<Character> vocabulary = vocabulary();
        for (Row row : spark.read()
                .parquet(Tables.path(run, Schemas.TOKENS))
                .select("doc_id", "token_ids")
                .collectAsList()) {
            String name = names.get((int) row.getLong(0) - 1);
            List<Integer> expected = new ArrayList<>(List.of(0));
            for (char c : name.toCharArray()) {
                expected.add(vocabulary.indexOf(c));
            }
            expected.add(0);
            assertThat(row.<Integer>getList(1)).as(name).isEqualTo(expected);
        }
    }

    @Test
    void extractReturnsEveryTableWithTheRowsOnDisk() {
        int heads = LAYERS * HEADS;
        Map<String, Long> expected = new HashMap<>();
        expected.put(Schemas.HEAD_STATS, (long) NAMES * heads);
        expected.put(Schemas.TOKEN_STATS, allTokens());
        expected.put(Schemas.ACTIVATIONS, allTokens() * LAYERS);
        expected.put(Schemas.ATTENTION, (long) NAMES * heads);
        // Every id of a vocabulary built from these names is a key of some query q >= 1.
        expected.put(Schemas.HEAD_TOKEN_MASS, (long) vocabulary().size() * heads);
        expected.put(Schemas.HEAD_DISTANCES, (long) heads * heads);
        expected.put(Schemas.REJECTS, 0L);
        // --explain defaults to the --patterns selection, here every sample: a rollout and a
        // gradient-weighted rollout per sample, the logit lens at every layer and position.
        expected.put(Schemas.ATTRIBUTIONS, 2L * NAMES);
        expected.put(Schemas.LOGIT_LENS, allTokens() * LAYERS);

        assertThat(extracted.tables()).extracting(WrittenTable::table).containsExactlyElementsOf(ExtractJob.TABLES);
        for (WrittenTable table : extracted.tables()) {
            assertThat(table.rows()).as(table.table()).isEqualTo(expected.get(table.table()));
            assertThat(table.path()).isEqualTo(Tables.path(run, table.table()));
            assertThat(rowsOnDisk(table.table())).as(table.table()).isEqualTo(table.rows());
        }
        assertThat(extracted.samples()).isEqualTo(NAMES);
        assertThat(extracted.analysed()).isEqualTo(NAMES);
        assertThat(extracted.patterns()).isEqualTo("all");
        assertThat(extracted.gradients()).isTrue();
    }

    @Test
    void firstTokenIsTheMeanOfTheWrittenPatternsFirstColumn() {
        Map<String, Double> expected = new HashMap<>();
        for (Row row : spark.read()
                .parquet(Tables.path(run, Schemas.ATTENTION))
                .select("sample_id", "layer", "head", "pattern")
                .collectAsList()) {
            List<List<Float>> pattern = row.getList(3).stream()
                    .map(r -> CollectionConverters.asJava((scala.collection.Seq<Float>) r))
                    .toList();
            double sum = 0;
            for (int q = 0; q < pattern.size(); q++) {
                List<Float> weights = pattern.get(q);
                assertThat(weights).hasSize(q + 1);
                assertThat(weights.stream().mapToDouble(Float::doubleValue).sum())
                        .isCloseTo(1.0, within(1e-5));
                if (q >= 1) {
                    sum += weights.get(0);
                }
            }
            expected.put(row.getLong(0) + "/" + row.getInt(1) + "/" + row.getInt(2), sum / (pattern.size() - 1));
        }
        List<Row> stats = spark.read()
                .parquet(Tables.path(run, Schemas.HEAD_STATS))
                .select("sample_id", "layer", "head", "first_token", "n_queries")
                .collectAsList();
        assertThat(stats).hasSize(expected.size());
        for (Row row : stats) {
            String key = row.getLong(0) + "/" + row.getInt(1) + "/" + row.getInt(2);
            assertThat(row.getDouble(3)).as(key).isCloseTo(expected.get(key), within(1e-5));
        }
    }

    @Test
    void summarizeReturnsItsTableAndWhatItLacked() {
        assertThat(summarized.tables())
                .containsExactly(
                        new WrittenTable(Schemas.HEAD_SUMMARY, Tables.path(run, Schemas.HEAD_SUMMARY), LAYERS * HEADS),
                        new WrittenTable(Schemas.LAYER_SUMMARY, Tables.path(run, Schemas.LAYER_SUMMARY), LAYERS));
        assertThat(summarized.missing()).containsExactly(Schemas.HEAD_PROBES);
        assertThat(summarized.clusters()).isBetween(1, LAYERS * HEADS);
        assertThat(spark.read()
                        .parquet(Tables.path(run, Schemas.HEAD_SUMMARY))
                        .select("cluster")
                        .distinct()
                        .count())
                .isEqualTo(summarized.clusters().longValue());
    }

    @Test
    void summaryIsTheQueryWeightedMeanOfHeadStats() {
        Map<String, double[]> sums = new HashMap<>(); // n_queries, Σ n·entropy, Σ |head_grad|, samples
        for (Row row : spark.read()
                .parquet(Tables.path(run, Schemas.HEAD_STATS))
                .select("layer", "head", "n_queries", "entropy", "head_grad")
                .collectAsList()) {
            double[] s = sums.computeIfAbsent(row.getInt(0) + "/" + row.getInt(1), k -> new double[4]);
            s[0] += row.getInt(2);
            s[1] += row.getInt(2) * row.getDouble(3);
            s[2] += Math.abs(row.getDouble(4));
            s[3] += 1;
        }
        long queries = allTokens() - NAMES;
        for (Row row : spark.read()
                .parquet(Tables.path(run, Schemas.HEAD_SUMMARY))
                .select("layer", "head", "n_samples", "n_queries", "entropy", "importance")
                .collectAsList()) {
            double[] s = sums.get(row.getInt(0) + "/" + row.getInt(1));
            assertThat(row.getLong(2)).isEqualTo(NAMES);
            assertThat(row.getLong(3)).isEqualTo(queries);
            assertThat(s[0]).isEqualTo(queries);
            assertThat(row.getDouble(4)).isCloseTo(s[1] / s[0], within(EPS));
            assertThat(row.getDouble(5)).isCloseTo(s[2] / s[3], within(EPS));
        }
    }
}
