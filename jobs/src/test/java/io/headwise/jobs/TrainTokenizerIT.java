package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import io.headwise.tokenize.wiki.WikiTextCleaner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train-tokenizer} on the English wiki sample. */
class TrainTokenizerIT {

    @TempDir
    Path tmp;

    @Test
    void trainsExactly2000TokensThatRoundTripEveryArticleTheSameWayEachRun() throws Exception {
        Path dump = Fixtures.datasets().resolve(TokenizeWikiIT.ENGLISH);
        CliRun run = CliRun.of(
                "train-tokenizer",
                "--input",
                dump.toString(),
                "--format",
                "wiki",
                "--out",
                tmp.resolve("a/tokenizer.json").toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("2,000 tokens").contains("106 used");

        WikiTextCleaner cleaner = WikiTextCleaner.withDefaultNamespaces();
        List<String> articles = new ArrayList<>();
        WikiPages.read(dump).values().stream()
                .filter(p -> !p.redirect() && p.ns() == 0)
                .forEach(p -> articles.add(cleaner.clean(p.text())));
        assertThat(articles).hasSize(106);
        long tokens = 0;
        try (TextTokenizer tokenizer = Tokenizers.load(tmp.resolve("a/tokenizer.json"))) {
            assertThat(tokenizer.vocabSize()).isEqualTo(2000);
            assertThat(tokenizer.specialId("<|endoftext|>")).hasValue(1999);
            for (String article : articles) {
                int[] ids = tokenizer.encode(article);
                tokens += ids.length;
                assertThat(tokenizer.decode(ids).getBytes(StandardCharsets.UTF_8))
                        .isEqualTo(article.getBytes(StandardCharsets.UTF_8));
            }
        }
        // Bytes per token well above 1: the merges compress the text they were learned on.
        long bytes = articles.stream()
                .mapToLong(a -> a.getBytes(StandardCharsets.UTF_8).length)
                .sum();
        assertThat((double) bytes / tokens).isGreaterThan(2.5); // 2.98 measured; raw bytes would be 1

        Row manifest = SparkTestSession.get()
                .read()
                .parquet(tmp.resolve("a/run_manifest").toString())
                .first();
        Map<String, String> details = manifest.getJavaMap(manifest.fieldIndex("details"));
        assertThat(details)
                .containsEntry("vocab_size", "2000")
                .containsEntry("documents", "106")
                .containsEntry("redirects", "100")
                .containsKey("tokenizer_sha256");

        CliRun again = CliRun.of(
                "train-tokenizer",
                "--input",
                dump.toString(),
                "--format",
                "wiki",
                "--split-size",
                "262144",
                "--out",
                tmp.resolve("b").toString());
        assertThat(again.exitCode()).as(again.err()).isZero();
        assertThat(Files.readString(tmp.resolve("b/tokenizer.json")))
                .isEqualTo(Files.readString(tmp.resolve("a/tokenizer.json")));

        // Jobs tokenize through it.
        CliRun tokenize = CliRun.of(
                "tokenize",
                "--input",
                dump.toString(),
                "--format",
                "wiki",
                "--tokenizer",
                tmp.resolve("a").toString(),
                "--block-size",
                "512",
                "--out",
                tmp.resolve("t").toString());
        assertThat(tokenize.exitCode()).as(tokenize.err()).isZero();
        assertThat(SparkTestSession.get()
                        .read()
                        .parquet(tmp.resolve("t/tokens").toString())
                        .selectExpr("sum(size(token_ids) - 1)")
                        .first()
                        .getLong(0))
                .isEqualTo(tokens);
    }

    @Test
    void refusesToReplaceATokenizerWithoutOverwrite() throws Exception {
        Path out = Files.writeString(tmp.resolve("tokenizer.json"), "{}");
        CliRun run = CliRun.of(
                "train-tokenizer",
                "--input",
                Fixtures.datasets().resolve("names.txt").toString(),
                "--format",
                "lines",
                "--vocab-size",
                "300",
                "--out",
                out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("headwise train-tokenizer: " + out + " already exists; pass --overwrite to replace it");
    }
}
