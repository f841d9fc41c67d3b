package io.headwise.jobs;

import static io.headwise.testing.ExtractFixtures.NAMES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.LocalClusterSession;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.CharTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

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
        for (String table : ExtractJob.TABLES) {
            List<Row> a = sorted(spark, tmp.resolve("local"), table);
            List<Row> b = sorted(spark, tmp.resolve("cluster"), table);
            assertThat(b).as(table).hasSameSizeAs(a);
            for (int i = 0; i < a.size(); i++) {
                assertSameRow(a.get(i), b.get(i), table);
            }
        }
        assertThat(sorted(spark, tmp.resolve("cluster"), Schemas.HEAD_STATS)).hasSize(names.size() * 4);
    }

    private static List<Row> sorted(SparkSession spark, Path runDir, String table) {
        var rows = Tables.read(spark, runDir.toString(), table, "extract");
        String[] keys = switch (table) {
            case Schemas.REJECTS -> new String[] {"doc_id"};
            case Schemas.HEAD_TOKEN_MASS -> new String[] {"layer", "head", "token_id"};
            case Schemas.TOKEN_STATS -> new String[] {"sample_id", "position"};
            case Schemas.ACTIVATIONS, Schemas.LOGIT_LENS -> new String[] {"sample_id", "layer", "position"};
            case Schemas.ATTRIBUTIONS -> new String[] {"sample_id", "method"};
            case Schemas.HEAD_DISTANCES -> new String[] {"layer_a", "head_a", "layer_b", "head_b"};
            default -> new String[] {"sample_id", "layer", "head"};
        };
        return rows.orderBy(keys[0], java.util.Arrays.copyOfRange(keys, 1, keys.length))
                .collectAsList();
    }

    private static void assertSameRow(Row a, Row b, String table) {
        assertThat(b.length()).isEqualTo(a.length());
        for (int i = 0; i < a.length(); i++) {
            assertSameValue(a.get(i), b.get(i), table + " " + a + " column " + i);
        }
    }

    private static void assertSameValue(Object a, Object b, String where) {
        if (a instanceof Double x) {
            assertThat((Double) b).as(where).isCloseTo(x, within(1e-5 * Math.max(1, Math.abs(x))));
        } else if (a instanceof Float x) {
            assertThat((Float) b).as(where).isCloseTo(x, within(1e-5f));
        } else if (a instanceof scala.collection.Seq<?> seq) {
            List<?> x = CollectionConverters.asJava(seq);
            List<?> y = CollectionConverters.asJava((scala.collection.Seq<?>) b);
            assertThat(y).as(where).hasSameSizeAs(x);
            for (int i = 0; i < x.size(); i++) {
                assertSameValue(x.get(i), y.get(i), where);
            }
        } else {
            assertThat(b).as(where).isEqualTo(a);
        }
    }

    private static String[] append(String[] args, String last) {
        String[] all = java.util.Arrays.copyOf(args, args.length + 1);
        all[args.length] = last;
        return all;
    }
}
