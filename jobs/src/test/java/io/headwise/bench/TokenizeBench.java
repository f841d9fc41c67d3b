package io.headwise.bench;

import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenize throughput and BPE training time on the English wiki sample, on the shared
 * {@code local[2]} test session. Not a timed test: it prints its numbers. Run with
 *
 * <pre>
 * HEADWISE_DATASETS_DIR=/work/shared/datasets ./mvnw -B -o -q -pl udfs,jobs test -DskipShade \
 *     -Dtest=TokenizeBench -Dbench=true -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "bench", matches = "true")
class TokenizeBench {

    private static final Logger LOG = LoggerFactory.getLogger(TokenizeBench.class);

    private static final String ENGLISH = "wiki/enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2";

    @TempDir
    Path tmp;

    @Test
    void englishSample() {
        String dump = Fixtures.datasets().resolve(ENGLISH).toString();
        SparkTestSession.get();
        // Warm-up: class loading, the DJL natives, the XML reader.
        run(
                "train-tokenizer",
                "--input",
                dump,
                "--format",
                "wiki",
                "--vocab-size",
                "300",
                "--out",
                tmp.resolve("warm").toString());

        long t0 = System.nanoTime();
        CliRun train = run(
                "train-tokenizer",
                "--input",
                dump,
                "--format",
                "wiki",
                "--out",
                tmp.resolve("bpe").toString());
        double trainSeconds = (System.nanoTime() - t0) / 1e9;

        long t1 = System.nanoTime();
        run(
                "tokenize",
                "--input",
                dump,
                "--format",
                "wiki",
                "--tokenizer",
                tmp.resolve("bpe").toString(),
                "--block-size",
                "1024",
                "--out",
                tmp.resolve("tokens").toString());
        double tokenizeSeconds = (System.nanoTime() - t1) / 1e9;
        long tokens = SparkTestSession.get()
                .read()
                .parquet(tmp.resolve("tokens/tokens").toString())
                .selectExpr("sum(size(token_ids))")
                .first()
                .getLong(0);

        String report = String.format(
                "%n[bench] train-tokenizer (vocab 2000), whole job: %.1f s; %s"
                        + "%n[bench] tokenize: %,d tokens in %.1f s = %,.0f tokens/s (whole job: read, clean, encode, write)%n",
                trainSeconds,
                train.out()
                        .lines()
                        .filter(l -> l.startsWith("tokenizer"))
                        .findFirst()
                        .orElse(""),
                tokens,
                tokenizeSeconds,
                tokens / tokenizeSeconds);
        LOG.info(report);
        System.err.println(report);
    }

    private static CliRun run(String... args) {
        CliRun run = CliRun.of(args);
        if (run.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", args) + ": " + run.err());
        }
        return run;
    }
}
