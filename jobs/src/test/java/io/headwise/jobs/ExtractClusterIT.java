package io.headwise.jobs;

import static io.headwise.testing.ExtractFixtures.NAMES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.LocalClusterSession;
import io.headwise.testing.SameTables;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.CharTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code extract} on {@code local-cluster[2,1,1024]} — two executor JVMs that must each copy the
 * model through the Hadoop file system API ({@link io.headwise.spark.ShippedModel}) and load it into
 * their own {@link io.headwise.spark.ModelCache} — writes the same tables, row for row, as on the
 * shared {@code local[2]} session.
 */
class ExtractClusterIT {

    @TempDir
    Path tmp;

    @Test
    void localClusterWritesTheSameTablesAsLocal() {
        SparkSession local = SparkTestSession.get();
        CharTokenizer tokenizer = ExtractFixtures.namesTokenizer();
        List<String> names = ExtractFixtures.allNames().subList(1000, 1120);
        Path model = ExtractFixtures.randomModel(tmp.resolve("model"), NAMES_CONFIG, tokenizer.toTokenizerJson(), 11);
        Path tokens = ExtractFixtures.writeTokens(
                local,
                tmp.resolve("tokens"),
                ExtractFixtures.nameRows(tokenizer, names),
                tokenizer.toTokenizerJson(),
                4);
        String[] args = {
            "extract",
            "--model",
            model.toString(),
            "--tokens",
            tokens.toString(),
            "--patterns",
            "0.3",
            "--batch-size",
            "8",
            "--out"
        };

        CliRun onLocal = CliRun.of(append(args, tmp.resolve("local").toString()));
        assertThat(onLocal.exitCode()).as(onLocal.err()).isZero();
        try (LocalClusterSession cluster = LocalClusterSession.start()) {
            assertThat(cluster.spark().sparkContext().master()).startsWith("local-cluster");
            CliRun onCluster =
                    CliRun.withoutSpark(append(args, tmp.resolve("cluster").toString()));
            assertThat(onCluster.exitCode()).as(onCluster.err()).isZero();
        }

        SparkSession spark = SparkTestSession.get();
        SameTables.assertSame(
                spark, tmp.resolve("local").toString(), tmp.resolve("cluster").toString(), ExtractJob.TABLES, 1e-5);
        assertThat(Tables.read(spark, tmp.resolve("cluster").toString(), Schemas.HEAD_STATS, "extract")
                        .count())
                .isEqualTo(names.size() * 4L);
    }

    private static String[] append(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
