package io.headwise.jobs;

import static io.headwise.testing.ExtractFixtures.NAMES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.tokenize.CharTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The tables of {@code extract} and {@code summarize} on 120 names and two bad samples, with a
 * seeded random names model, equal within 1e-6 (relative to the value's size, at least 1) to the
 * values stored in {@code src/test/resources/extract-golden/}: they were written by the extraction
 * path that packed every sample into a hand-made byte record, before the path was rebuilt on
 * typed results and per-table declarations, so this test holds the rebuilt path to the old
 * numbers. Every pattern is kept ({@code --patterns all}), so {@code head_distances} over the
 * analysed samples equals the old definition over the kept ones.
 *
 * <p>To write the stored values again (only when a definition changes on purpose, through the
 * SPEC): run this test with {@code -Dheadwise.golden.write=DIR} and copy DIR's files over.
 */
class ExtractGoldenIT {

    static final int NAMES = 120;

    /** Each compared table and the columns that order its rows. */
    static final Map<String, List<String>> TABLES = Map.of(
            Schemas.HEAD_STATS, List.of("sample_id", "layer", "head"),
            Schemas.TOKEN_STATS, List.of("sample_id", "position"),
            Schemas.ACTIVATIONS, List.of("sample_id", "layer", "position"),
            Schemas.ATTENTION, List.of("sample_id", "layer", "head"),
            Schemas.HEAD_TOKEN_MASS, List.of("layer", "head", "token_id"),
            Schemas.REJECTS, List.of("source", "doc_id"),
            Schemas.HEAD_DISTANCES, List.of("layer_a", "head_a", "layer_b", "head_b"),
            Schemas.HEAD_SUMMARY, List.of("layer", "head"));

    static final double TOLERANCE = 1e-6;

    static SparkSession spark;
    static Path out;
    static Path model;

    @BeforeAll
    static void extractAndSummarize(@org.junit.jupiter.api.io.TempDir Path tmp) {
        spark = io.headwise.testing.SparkTestSession.get();
        CharTokenizer tokenizer = ExtractFixtures.namesTokenizer();
        List<String> names = ExtractFixtures.allNames().subList(0, NAMES);
        model = ExtractFixtures.randomModel(tmp.resolve("model"), NAMES_CONFIG, tokenizer.toTokenizerJson(), 11);
        List<Row> rows = new ArrayList<>(ExtractFixtures.nameRows(tokenizer, names));
        rows.add(ExtractFixtures.tokensRow(ExtractFixtures.sampleId(9001), 9001, new int[0], List.of()));
        rows.add(ExtractFixtures.tokensRow(
                ExtractFixtures.sampleId(9002), 9002, new int[] {0, 27, 0}, List.of(".", "?", ".")));
        Path tokens = ExtractFixtures.writeTokens(spark, tmp.resolve("run"), rows, tokenizer.toTokenizerJson(), 3);
        out = tokens;
        CliRun extract = CliRun.of(
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
                "8");
        assertThat(extract.exitCode()).as(extract.err()).isZero();
        CliRun summarize = CliRun.of("summarize", "--tables", out.toString());
        assertThat(summarize.exitCode()).as(summarize.err()).isZero();
        String write = System.getProperty("headwise.golden.write");
        if (write != null) {
            TABLES.forEach((table, keys) -> store(
                    Path.of(write),
                    table,
                    lines(table, keys, List.of(Schemas.ALL.get(table).fieldNames()))));
        }
    }

    static List<String> tables() {
        return TABLES.keySet().stream().sorted().toList();
    }

    @ParameterizedTest
    @MethodSource("tables")
    void equalsTheStoredValues(String table) {
        List<String> expected = stored(table);
        assertRowsClose(table, lines(table, TABLES.get(table), storedColumns(table, expected)), expected);
    }

    static void assertRowsClose(String table, List<String> actual, List<String> expected) {
        assertThat(actual).as(table + " row count").hasSameSizeAs(expected);
        for (int i = 0; i < expected.size(); i++) {
            assertClose(
                    JsonParser.parseString(actual.get(i)),
                    JsonParser.parseString(expected.get(i)),
                    table + " row " + i + ": " + expected.get(i));
        }
    }

    static List<String> perSampleTables() {
        return List.of(Schemas.HEAD_STATS, Schemas.TOKEN_STATS, Schemas.ACTIVATIONS, Schemas.ATTENTION);
    }

    /**
     * The DataFrame transformation gives each per-sample table's stored values too, from the tokens
     * table with its {@code tokens} column and, for {@code token_stats}, without it (the token strings
     * then come from the model's tokenizer).
     */
    @ParameterizedTest
    @MethodSource("perSampleTables")
    void theDataFrameTransformationEqualsTheStoredValues(String table) {
        Dataset<Row> tokens =
                Tables.read(spark, out.toString(), Schemas.TOKENS, "tokenize").where("doc_id < 9001");
        ExtractTransform transform = new ExtractTransform()
                .setModel(model.toString())
                .setTable(table)
                .setBatchSize(8);
        List<Dataset<Row>> results = new ArrayList<>(List.of(transform.transform(tokens)));
        if (table.equals(Schemas.TOKEN_STATS)) {
            results.add(transform.transform(tokens.select("sample_id", "token_ids")));
        }
        List<String> expected = stored(table);
        for (Dataset<Row> result : results) {
            assertThat(result.schema()).isEqualTo(Schemas.ALL.get(table));
            assertRowsClose(table, lines(result, TABLES.get(table), storedColumns(table, expected)), expected);
        }
    }

    @org.junit.jupiter.api.Test
    void aSampleTheModelCannotTakeFailsTheTransformationNamingIt() {
        Dataset<Row> tokens =
                Tables.read(spark, out.toString(), Schemas.TOKENS, "tokenize").where("doc_id = 9002");
        Dataset<Row> stats = new ExtractTransform().setModel(model.toString()).transform(tokens);
        org.assertj.core.api.Assertions.assertThatThrownBy(stats::count)
                .hasStackTraceContaining("sample_id " + ExtractFixtures.sampleId(9002)
                        + ": extract: token id 27 at position 1 is outside the model's vocabulary (vocab_size 27)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ExtractTransform()
                        .setModel(model.toString())
                        .setInputCol("ids")
                        .transform(tokens))
                .isInstanceOf(io.headwise.BadInputException.class)
                .hasMessageStartingWith("ExtractTransform: no column 'ids' of token ids in the input (its columns: ");
    }

    /**
     * The table's rows, ordered, as JSON arrays of {@code columns}: those stored (a column added
     * since, such as {@code head_stats.output_norm}, has tests of its own).
     */
    static List<String> lines(String table, List<String> keys, List<String> columns) {
        return lines(Tables.read(spark, out.toString(), table, "extract"), keys, columns);
    }

    static List<String> lines(Dataset<Row> rows, List<String> keys, List<String> columns) {
        Column[] order = keys.stream().map(functions::col).toArray(Column[]::new);
        Column array = functions.to_json(functions.array(columns.stream()
                .map(c -> functions.to_json(functions.struct(functions.col(c))))
                .toArray(Column[]::new)));
        return rows.orderBy(order)
                .select(array)
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }

    /** Numbers within {@link #TOLERANCE} of each other's size; everything else equal. */
    static void assertClose(JsonElement actual, JsonElement expected, String where) {
        if (expected.isJsonPrimitive() && expected.getAsJsonPrimitive().isNumber()) {
            assertThat(actual.isJsonPrimitive() && actual.getAsJsonPrimitive().isNumber())
                    .as(where)
                    .isTrue();
            double e = expected.getAsDouble();
            assertThat(actual.getAsDouble())
                    .as(where)
                    .isCloseTo(e, org.assertj.core.api.Assertions.within(TOLERANCE * Math.max(1, Math.abs(e))));
        } else if (expected.isJsonPrimitive() && expected.getAsJsonPrimitive().isString()) {
            String text = expected.getAsString();
            if (text.startsWith("{") || text.startsWith("[")) {
                assertClose(JsonParser.parseString(actual.getAsString()), JsonParser.parseString(text), where);
            } else {
                assertThat(actual).as(where).isEqualTo(expected);
            }
        } else if (expected.isJsonArray()) {
            JsonArray e = expected.getAsJsonArray();
            assertThat(actual.isJsonArray()).as(where).isTrue();
            assertThat(actual.getAsJsonArray().size()).as(where).isEqualTo(e.size());
            for (int i = 0; i < e.size(); i++) {
                assertClose(actual.getAsJsonArray().get(i), e.get(i), where);
            }
        } else if (expected.isJsonObject()) {
            assertThat(actual.isJsonObject()).as(where).isTrue();
            assertThat(actual.getAsJsonObject().keySet())
                    .as(where)
                    .isEqualTo(expected.getAsJsonObject().keySet());
            for (String key : expected.getAsJsonObject().keySet()) {
                assertClose(
                        actual.getAsJsonObject().get(key),
                        expected.getAsJsonObject().get(key),
                        where);
            }
        } else {
            assertThat(actual).as(where).isEqualTo(expected);
        }
    }

    /**
     * The columns of the stored rows: the first ones of the table's schema today (a column added
     * since is appended, so it has no stored value). Each stored value is a one-key object, or
     * {@code {}} for NULL; the keys that are there must be those columns.
     */
    static List<String> storedColumns(String table, List<String> stored) {
        JsonArray first = JsonParser.parseString(stored.get(0)).getAsJsonArray();
        List<String> columns = List.of(Schemas.ALL.get(table).fieldNames()).subList(0, first.size());
        for (String line : stored) {
            JsonArray values = JsonParser.parseString(line).getAsJsonArray();
            for (int c = 0; c < columns.size(); c++) {
                Set<String> key = JsonParser.parseString(values.get(c).getAsString())
                        .getAsJsonObject()
                        .keySet();
                assertThat(key).as(table + " stored column " + c).isSubsetOf(columns.get(c));
            }
        }
        return columns;
    }

    static List<String> stored(String table) {
        String resource = "/extract-golden/" + table + ".jsonl.gz";
        try (InputStream in = ExtractGoldenIT.class.getResourceAsStream(resource)) {
            assertThat(in).as("stored values " + resource).isNotNull();
            BufferedReader reader =
                    new BufferedReader(new InputStreamReader(new GZIPInputStream(in), StandardCharsets.UTF_8));
            return reader.lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void store(Path dir, String table, List<String> lines) {
        try {
            Files.createDirectories(dir);
            try (OutputStream file = Files.newOutputStream(dir.resolve(table + ".jsonl.gz"));
                    Writer writer =
                            new java.io.OutputStreamWriter(new GZIPOutputStream(file), StandardCharsets.UTF_8)) {
                for (String line : lines) {
                    writer.write(line);
                    writer.write('\n');
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
