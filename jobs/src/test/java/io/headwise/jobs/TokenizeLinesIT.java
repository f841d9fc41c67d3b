package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headwise.Sha256;
import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.CharTokenizer;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokenize --format lines} (and text) on names.txt and hand-made bad input. */
class TokenizeLinesIT {

    @TempDir
    Path tmp;

    private final SparkSession spark = SparkTestSession.get();

    @Test
    void namesBecomeOneDelimitedSampleEachWithTheMakemoreVocabulary() throws Exception {
        Path names = Fixtures.datasets().resolve("names.txt");
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                names.toString(),
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--out",
                tmp.resolve("a").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("32,033 rows")
                .contains("rejects")
                .contains(tmp.resolve("a").toString());

        Dataset<Row> tokens = spark.read().parquet(tmp.resolve("a/tokens").toString());
        // Parquet stores every column as nullable; names and types must match.
        assertThat(tokens.schema().simpleString()).isEqualTo(Schemas.TOKENS_SCHEMA.simpleString());
        assertThat(tokens.count()).isEqualTo(32_033);
        assertThat(spark.read().parquet(tmp.resolve("a/rejects").toString()).count())
                .isZero();

        try (TextTokenizer tokenizer = Tokenizers.load(tmp.resolve("a/tokenizer.json"))) {
            assertThat(tokenizer.vocabSize()).isEqualTo(27);
            assertThat(tokenizer.isCharLevel()).isTrue();
            // Every sample is `.name.` for the name on line doc_id, in one chunk.
            List<String> lines = Files.readAllLines(names, StandardCharsets.UTF_8);
            List<Row> rows =
                    tokens.select("doc_id", "chunk", "token_ids", "tokens").collectAsList();
            for (Row row : rows) {
                String name = lines.get((int) row.getLong(0) - 1);
                int[] ids = row.<Integer>getList(2).stream()
                        .mapToInt(Integer::intValue)
                        .toArray();
                assertThat(row.getInt(1)).isZero();
                assertThat(tokenizer.decode(ids)).isEqualTo("." + name + ".");
                assertThat(String.join("", row.<String>getList(3))).isEqualTo("." + name + ".");
            }
            assertThat(rows.stream().map(r -> r.getLong(0)).distinct().count()).isEqualTo(32_033);
        }

        Row manifest =
                spark.read().parquet(tmp.resolve("a/run_manifest").toString()).first();
        assertThat(manifest.getString(manifest.fieldIndex("job"))).isEqualTo("tokenize");
        Map<String, String> details = manifest.getJavaMap(manifest.fieldIndex("details"));
        assertThat(details.get("tokenizer_sha256"))
                .isEqualTo(Sha256.hex(Files.readString(tmp.resolve("a/tokenizer.json"))));
        assertThat(manifest.<String, Long>getJavaMap(manifest.fieldIndex("row_counts")))
                .containsEntry("tokens", 32_033L)
                .containsEntry("rejects", 0L);

        // A second run, reading the file as 8 splits instead of 1, gives the same table.
        CliRun split = CliRun.of(
                "tokenize",
                "--input",
                names.toString(),
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--split-size",
                "30000",
                "--out",
                tmp.resolve("c").toString());
        assertThat(split.exitCode()).as(split.err()).isZero();
        assertThat(Files.size(names) / 30000 + 1).as("splits of 30000 bytes").isEqualTo(8);
        List<String> a = canonical(tmp.resolve("a/tokens"));
        assertThat(canonical(tmp.resolve("c/tokens"))).isEqualTo(a);
    }

    @Test
    void badLinesGoToRejectsWithTheirReason() {
        Path bad = Fixtures.resourceDir("tokenize-input").resolve("bad-lines.txt");
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                bad.toString(),
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--max-reject-fraction",
                "1",
                "--out",
                tmp.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<Long, String> reasons = spark.read().parquet(tmp.resolve("rejects").toString()).collectAsList().stream()
                .collect(Collectors.toMap(r -> r.getLong(1), r -> r.getString(2)));
        assertThat(reasons).containsOnlyKeys(2L, 3L, 4L, 5L);
        assertThat(reasons.get(2L)).isEqualTo("empty or whitespace-only line");
        assertThat(reasons.get(3L)).isEqualTo("empty or whitespace-only line");
        assertThat(reasons.get(4L)).isEqualTo("invalid UTF-8: byte 0xFF at offset 2");
        assertThat(reasons.get(5L)).startsWith("cannot tokenize: '.' at position 3 of \"emm.a\"");
        assertThat(spark.read().parquet(tmp.resolve("tokens").toString()).count())
                .isEqualTo(2);
        try (TextTokenizer tokenizer = Tokenizers.load(tmp.resolve("tokenizer.json"))) {
            assertThat(tokenizer.vocabSize()).isEqualTo(1 + 4); // . a e m v
        }
    }

    /**
     * A line of 100 MB among names: a reject naming the limit, never decoded whole (the reader holds
     * 1 MiB + 1 byte of it), the other lines keep their numbers, and the run stays within a bound
     * (before {@code --max-record-bytes} a 20 MB line took ~60 s and 8.4 GB resident).
     */
    @Test
    @Timeout(180)
    void aHundredMegabyteLineIsARejectAndTheOtherLinesKeepTheirNumbers() throws Exception {
        Path input = tmp.resolve("long-line.txt");
        try (OutputStream out = Files.newOutputStream(input)) {
            out.write("emma\n".getBytes(StandardCharsets.US_ASCII));
            byte[] block = new byte[1 << 20];
            Arrays.fill(block, (byte) 'x');
            for (int i = 0; i < 100; i++) {
                out.write(block);
            }
            out.write("\nava\nolivia\n".getBytes(StandardCharsets.US_ASCII));
        }
        long started = System.nanoTime();
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                input.toString(),
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--split-size",
                String.valueOf(16 << 20),
                "--max-reject-fraction",
                "1",
                "--out",
                tmp.resolve("out").toString());
        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Row> rejects =
                spark.read().parquet(tmp.resolve("out/rejects").toString()).collectAsList();
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0).getLong(1)).isEqualTo(2L);
        assertThat(rejects.get(0).getString(2))
                .isEqualTo("line longer than --max-record-bytes 1048576 (104,857,601 bytes), not decoded");
        assertThat(rejects.get(0).getString(3)).isEqualTo("x".repeat(200));
        assertThat(spark.read()
                        .parquet(tmp.resolve("out/tokens").toString())
                        .select("doc_id")
                        .as(Encoders.LONG())
                        .collectAsList())
                .containsExactlyInAnyOrder(1L, 3L, 4L);
        System.out.printf("tokenize with a 100 MB line: %d s%n", seconds);
    }

    @Test
    void sampleIdsAreXxhash64OfFileNameLineAndChunkWhereverTheFileIs() throws Exception {
        Path bad = Fixtures.resourceDir("tokenize-input").resolve("bad-lines.txt");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.copy(bad, elsewhere.resolve("bad-lines.txt"));
        for (Path input : List.of(bad, elsewhere.resolve("bad-lines.txt"))) {
            Path out = tmp.resolve(input.equals(bad) ? "here" : "there");
            CliRun run = CliRun.of(
                    "tokenize",
                    "--input",
                    input.toString(),
                    "--format",
                    "lines",
                    "--tokenizer",
                    "char",
                    "--max-reject-fraction",
                    "1",
                    "--out",
                    out.toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        List<String> here = canonical(tmp.resolve("here/tokens"));
        assertThat(canonical(tmp.resolve("there/tokens"))).isEqualTo(here);
        long emma = spark.sql("SELECT xxhash64('bad-lines.txt', CAST(1 AS BIGINT), 0)")
                .first()
                .getLong(0);
        long ava = spark.sql("SELECT xxhash64('bad-lines.txt', CAST(6 AS BIGINT), 0)")
                .first()
                .getLong(0);
        assertThat(here)
                .containsExactlyInAnyOrder(
                        emma + "|bad-lines.txt|1|0|0,2,3,3,1,0", ava + "|bad-lines.txt|6|0|0,1,4,1,0");
    }

    @Test
    void aFloodOfRejectsFailsTheRunWithoutATokensTable() {
        Path bad = Fixtures.resourceDir("tokenize-input").resolve("bad-lines.txt");
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                bad.toString(),
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--out",
                tmp.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .contains("4 of 6 records rejected")
                .contains("--max-reject-fraction 0.01")
                .contains("rejects");
        assertThat(Files.exists(tmp.resolve("tokens"))).isFalse();
    }

    @Test
    void aCharacterOutsideAGivenVocabularyIsRejected() throws Exception {
        Path input = Files.writeString(tmp.resolve("people.txt"), "emma\njosé\nolivia\n");
        Path letters = lowerCaseTokenizer();
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                input.toString(),
                "--format",
                "lines",
                "--tokenizer",
                letters.toString(),
                "--max-reject-fraction",
                "0.5",
                "--out",
                tmp.resolve("out").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Row> rejects =
                spark.read().parquet(tmp.resolve("out/rejects").toString()).collectAsList();
        assertThat(rejects).hasSize(1);
        assertThat(rejects.get(0).getLong(1)).isEqualTo(2);
        assertThat(rejects.get(0).getString(2))
                .contains("'é' (U+00E9) at position 3")
                .contains("not in the vocabulary");
        assertThat(rejects.get(0).getString(3)).isEqualTo("josé");
        assertThat(Files.readString(tmp.resolve("out/tokenizer.json"))).isEqualTo(Files.readString(letters));
    }

    @Test
    void textParagraphsAreDocumentsNamedByTheirFirstLine() throws Exception {
        Path text = Fixtures.resourceDir("tokenize-input").resolve("paragraphs.txt");
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                text.toString(),
                "--format",
                "text",
                "--paragraphs",
                "--tokenizer",
                lowerCaseTokenizer().toString(),
                "--max-reject-fraction",
                "1",
                "--out",
                tmp.resolve("out").toString());
        // A lower-case char vocabulary cannot encode these paragraphs: each is rejected, named by its first line.
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<Long, String> reasons = spark
                .read()
                .parquet(tmp.resolve("out/rejects").toString())
                .collectAsList()
                .stream()
                .collect(Collectors.toMap(r -> r.getLong(1), r -> r.getString(2)));
        assertThat(reasons).containsOnlyKeys(1L, 5L, 7L);
        assertThat(reasons.get(7L)).isEqualTo("line 7: invalid UTF-8: byte 0xC3 at offset 22");
        assertThat(reasons.get(1L)).contains("'T' (U+0054) at position 0");
    }

    @Test
    void aMissingInputIsExitTwoNamingIt() {
        String missing = tmp.resolve("nope.txt").toString();
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                missing,
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--out",
                tmp.resolve("out").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("headwise tokenize: --input " + missing + ": no such file or directory");
    }

    @Test
    void aDatasetsPathIsLookedUpInTheDatasetsDirectory() {
        // The working directory (the module's) has no datasets/; the datasets directory does.
        assumeTrue(Files.isRegularFile(Datasets.dir().resolve("names.txt")), "no names.txt in " + Datasets.dir());
        assertThat(Path.of("datasets/names.txt")).doesNotExist();
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                "datasets/names.txt",
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--out",
                tmp.resolve("a").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("32,033 rows");
        Row manifest =
                spark.read().parquet(tmp.resolve("a/run_manifest").toString()).first();
        assertThat(manifest.<String>getList(manifest.fieldIndex("input_paths")))
                .containsExactly("file:" + Datasets.dir().resolve("names.txt"));

        CliRun missing = CliRun.of(
                "tokenize",
                "--input",
                "datasets/nope.txt",
                "--format",
                "lines",
                "--tokenizer",
                "char",
                "--out",
                tmp.resolve("b").toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err().strip())
                .isEqualTo("headwise tokenize: --input datasets/nope.txt: no such file or "
                        + "directory, here or in the datasets directory ("
                        + Datasets.dir().resolve("nope.txt") + ")");
    }

    /** A makemore vocabulary of the 26 lower-case letters, as tokenizer.json. */
    private Path lowerCaseTokenizer() throws Exception {
        List<String> letters = "abcdefghijklmnopqrstuvwxyz"
                .chars()
                .mapToObj(Character::toString)
                .toList();
        return Files.writeString(
                tmp.resolve("letters.json"), CharTokenizer.fromCorpus(letters).toTokenizerJson());
    }

    private List<String> canonical(Path tokens) {
        return spark
                .read()
                .parquet(tokens.toString())
                .selectExpr("concat_ws('|', sample_id, source, doc_id, chunk, array_join(token_ids, ','))")
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList()
                .stream()
                .sorted()
                .toList();
    }
}
