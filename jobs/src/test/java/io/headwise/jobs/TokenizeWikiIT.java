package io.headwise.jobs;

import static org.apache.spark.sql.functions.countDistinct;
import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.WikiPageCleaner;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.Gpt2Vocab;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import io.headwise.tokenize.wiki.WikiTextCleaner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code tokenize --format wiki} on the shared dumps and hand-made broken ones. */
class TokenizeWikiIT {

    static final String ENGLISH = "wiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2";

    @TempDir
    static Path shared;

    @TempDir
    Path tmp;

    static Path gpt2;

    private final SparkSession spark = SparkTestSession.get();

    @BeforeAll
    static void gpt2Tokenizer() throws Exception {
        gpt2 = Files.writeString(
                shared.resolve("tokenizer.json"),
                Gpt2Vocab.toTokenizerJson(Fixtures.datasets().resolve("gpt2-tokenizer")));
    }

    @Test
    void theEnglishSampleGivesItsArticlesAsSubstringsOfTheCleanedText() throws Exception {
        Path dump = Fixtures.datasets().resolve(ENGLISH);
        CliRun run = tokenize(dump, tmp.resolve("one"), "--block-size", "256");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("redirects")
                .contains("100 pages skipped")
                .contains("106 used");

        Map<Long, WikiPages.Page> pages = WikiPages.read(dump);
        WikiTextCleaner cleaner = WikiTextCleaner.withDefaultNamespaces();
        Map<Long, String> cleaned = new HashMap<>();
        pages.values().stream()
                .filter(p -> !p.redirect() && p.ns() == 0)
                .forEach(p -> cleaned.put(p.id(), cleaner.clean(p.text())));
        assertThat(cleaned).hasSize(106);

        List<Row> rows = spark.read()
                .parquet(tmp.resolve("one/tokens").toString())
                .select("doc_id", "title", "chunk", "token_ids")
                .collectAsList();
        assertThat(rows.stream().map(r -> r.getLong(0)).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(cleaned.keySet());
        assertThat(spark.read().parquet(tmp.resolve("one/rejects").toString()).count())
                .isZero();
        List<String> notFound = new ArrayList<>();
        try (TextTokenizer tokenizer = Tokenizers.load(gpt2)) {
            int eot = tokenizer.specialId("<|endoftext|>").orElseThrow();
            for (Row row : rows) {
                int[] ids = row.<Integer>getList(3).stream()
                        .mapToInt(Integer::intValue)
                        .toArray();
                assertThat(ids.length).isBetween(2, 256);
                assertThat(ids[0]).isEqualTo(eot);
                assertThat(row.getString(1)).isEqualTo(pages.get(row.getLong(0)).title());
                String text = tokenizer.decode(Arrays.copyOfRange(ids, 1, ids.length));
                // A window may start or end inside a multi-byte character, which decodes to U+FFFD.
                String inner = text.replaceAll("^\uFFFD+|\uFFFD+$", "");
                if (!cleaned.get(row.getLong(0)).contains(inner)) {
                    notFound.add(row.getLong(0) + "/" + row.getInt(2));
                }
            }
        }
        assertThat(notFound).isEmpty();

        Row manifest =
                spark.read().parquet(tmp.resolve("one/run_manifest").toString()).first();
        Map<String, String> details = manifest.getJavaMap(manifest.fieldIndex("details"));
        assertThat(details)
                .containsEntry("redirects", "100")
                .containsEntry("documents", "106")
                .containsEntry("other_namespaces", "0");

        // bz2 is splittable: 7 splits of 256 KB give the same table as 1.
        CliRun split = tokenize(dump, tmp.resolve("many"), "--block-size", "256", "--split-size", "262144");
        assertThat(split.exitCode()).as(split.err()).isZero();
        assertThat(canonical(tmp.resolve("many/tokens"))).isEqualTo(canonical(tmp.resolve("one/tokens")));
    }

    /**
     * A hostile dump: an external entity naming a local file, a billion laughs, and a page longer
     * than {@code --max-record-bytes}. No local file is read, nothing is expanded (the reader
     * neither loads DTDs nor resolves entities), each of those pages is a reject, and the plain page
     * is a sample.
     */
    @Test
    @Timeout(300)
    void entitiesAreNeverResolvedAndAnOverLongPageIsAReject() throws Exception {
        Path secret = Files.writeString(tmp.resolve("secret.txt"), "SECRET-7f3a9 from a local file");
        StringBuilder laughs = new StringBuilder("<!ENTITY lol0 \"lol\">\n");
        for (int i = 1; i <= 9; i++) {
            laughs.append("<!ENTITY lol").append(i).append(" \"");
            laughs.append(("&lol" + (i - 1) + ";").repeat(10)).append("\">\n");
        }
        String dump = "<?xml version=\"1.0\"?>\n<!DOCTYPE mediawiki [\n<!ENTITY secret SYSTEM \""
                + secret.toUri() + "\">\n" + laughs + "]>\n<mediawiki>\n"
                + page(1, "Leak", "Before &secret; after, a sentence of ordinary words.")
                + page(2, "Laughs", "&lol9;")
                + page(3, "Long", "word ".repeat(300))
                + page(4, "Plain", "A plain article about nothing in particular, in a sentence or two.")
                + "</mediawiki>\n";
        Path input = Files.writeString(tmp.resolve("hostile.xml"), dump);
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                input.toString(),
                "--format",
                "wiki",
                "--tokenizer",
                gpt2.toString(),
                "--max-record-bytes",
                "1000",
                "--max-reject-fraction",
                "1",
                "--out",
                tmp.resolve("out").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<Row> tokens =
                spark.read().parquet(tmp.resolve("out/tokens").toString()).collectAsList();
        List<Row> rejects =
                spark.read().parquet(tmp.resolve("out/rejects").toString()).collectAsList();
        String everything = tokens.toString() + rejects;
        assertThat(everything).doesNotContain("SECRET-7f3a9").doesNotContain("lollol");
        assertThat(tokens.stream().map(r -> r.<Long>getAs("doc_id")).distinct().toList())
                .containsExactly(4L);
        Map<Long, String> reasons = new HashMap<>();
        rejects.forEach(r -> reasons.put(r.getAs("doc_id"), r.getAs("reason")));
        assertThat(reasons).containsOnlyKeys(1L, 2L, 3L);
        // "word " × 300 is 1,500 bytes; the XML reader trims the value's trailing blank.
        assertThat(reasons.get(3L))
                .isEqualTo("page text longer than --max-record-bytes 1000 (1,499 bytes), not cleaned");
    }

    private static String page(long id, String title, String text) {
        return "<page><title>" + title + "</title><ns>0</ns><id>" + id + "</id><revision><id>" + (100 + id)
                + "</id><text xml:space=\"preserve\">" + text + "</text></revision></page>\n";
    }

    @Test
    void theOtherDumpsTokenizeAndWhatCannotBeUsedIsRejectedWithAReason() {
        Path wiki = Fixtures.datasets().resolve("wiki");
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                wiki + "/{smallwiki,enwiki-table,bgwiki,tiny_dump}*",
                "--format",
                "wiki",
                "--tokenizer",
                gpt2.toString(),
                "--max-reject-fraction",
                "1",
                "--out",
                tmp.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, Long> docs = new HashMap<>();
        spark.read()
                .parquet(tmp.resolve("tokens").toString())
                .groupBy("source")
                .agg(countDistinct("doc_id"))
                .collectAsList()
                .forEach(r -> docs.put(r.getString(0), r.getLong(1)));
        assertThat(docs)
                .containsOnlyKeys(
                        "smallwiki-latest-pages-articles.xml.bz2",
                        "enwiki-table-markup.xml.bz2",
                        "bgwiki-latest-pages-articles-shortened.xml.bz2",
                        "tiny_dump.xml.bz2");
        assertThat(docs.get("bgwiki-latest-pages-articles-shortened.xml.bz2"))
                .isEqualTo(1); // one article, ns 0 (UTF-16)
        assertThat(docs.get("enwiki-table-markup.xml.bz2")).isEqualTo(5);
        assertThat(docs.get("tiny_dump.xml.bz2")).isEqualTo(6);
        assertThat(spark.read()
                        .parquet(tmp.resolve("tokens").toString())
                        .filter("source like 'bgwiki%'")
                        .select("title")
                        .as(Encoders.STRING())
                        .first())
                .isEqualTo("Григориански календар");
        spark.read()
                .parquet(tmp.resolve("rejects").toString())
                .collectAsList()
                .forEach(r -> assertThat(r.getString(2)).isNotBlank());
    }

    @Test
    void brokenPagesAndTruncatedDumpsAreRejectedAndTheRestIsUsed() throws Exception {
        Path fixtures = Fixtures.resourceDir("tokenize-input");
        Path input = Files.createDirectories(tmp.resolve("in"));
        Files.copy(fixtures.resolve("malformed.xml"), input.resolve("malformed.xml"));
        Files.copy(fixtures.resolve("truncated.xml.bz2"), input.resolve("truncated.xml.bz2"));
        Files.copy(fixtures.resolve("bad-lines.txt"), input.resolve("notes.txt"));
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                input.toString(),
                "--format",
                "wiki",
                "--tokenizer",
                gpt2.toString(),
                "--max-reject-fraction",
                "1",
                "--out",
                tmp.resolve("out").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        Map<String, List<String>> reasons = new HashMap<>();
        spark.read()
                .parquet(tmp.resolve("out/rejects").toString())
                .collectAsList()
                .forEach(r -> reasons.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
                        .add((r.isNullAt(1) ? "-" : r.getLong(1)) + " " + r.getString(2)));
        assertThat(reasons.get("notes.txt"))
                .containsExactly("- not a MediaWiki XML dump: it does not start with <?xml or <mediawiki");
        assertThat(reasons.get("truncated.xml.bz2"))
                .containsExactly("- truncated .bz2 (no end-of-stream marker): pages after the cut are lost");
        assertThat(reasons.get("malformed.xml"))
                .containsExactlyInAnyOrder(
                        "- " + WikiPageCleaner.MALFORMED,
                        "4 page 'No text' has no text (no revision <text>, or only whitespace)",
                        "5 page 'Blank' has no text (no revision <text>, or only whitespace)",
                        "6 page 'Only markup' has no prose left after removing wikitext markup");
        List<Row> used = spark.read()
                .parquet(tmp.resolve("out/tokens").toString())
                .select("source", "doc_id")
                .distinct()
                .collectAsList();
        assertThat(used.stream()
                        .filter(r -> r.getString(0).equals("malformed.xml"))
                        .map(r -> r.getLong(1)))
                .containsExactly(1L); // page 8 comes after the malformed page 3
        assertThat(used.stream()
                        .filter(r -> r.getString(0).equals("truncated.xml.bz2"))
                        .count())
                .isBetween(1L, 39L);
    }

    @Test
    void aFileThatIsNotADumpAloneIsAFailure() {
        CliRun run = CliRun.of(
                "tokenize",
                "--input",
                Fixtures.datasets().resolve("names.txt").toString(),
                "--format",
                "wiki",
                "--tokenizer",
                gpt2.toString(),
                "--out",
                tmp.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("1 of 1 records rejected");
    }

    @Test
    void aDumpTheXmlReaderCannotDecodeIsExitTwoNamingIt() {
        Path dump = Fixtures.resourceDir("tokenize-input").resolve("bad-encoding.xml");
        CliRun run = tokenize(dump, tmp);
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .doesNotContain("\n")
                .startsWith("headwise tokenize: file:")
                .contains(dump + ": unreadable input: ")
                .contains("Invalid UTF-8");
    }

    private static CliRun tokenize(Path input, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of(
                "tokenize",
                "--input",
                input.toString(),
                "--format",
                "wiki",
                "--tokenizer",
                gpt2.toString(),
                "--out",
                out.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(new String[0]));
    }

    private List<String> canonical(Path tokens) {
        return spark
                .read()
                .parquet(tokens.toString())
                .selectExpr("concat_ws('|', sample_id, source, doc_id, title, chunk, array_join(token_ids, ','))")
                .as(Encoders.STRING())
                .collectAsList()
                .stream()
                .sorted()
                .toList();
    }
}
