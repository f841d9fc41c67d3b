package io.headwise.jobs;

import static io.headwise.testing.ExtractFixtures.NAMES_CONFIG;
import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.ExtractFixtures;
import io.headwise.testing.MiniHdfs;
import io.headwise.testing.SameTables;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.CharTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jobs on HDFS: a {@code MiniDFSCluster} (one NameNode, one DataNode, loopback) holds the names
 * file, the model directory and the run directories; {@code tokenize → extract → summarize} and
 * {@code probe} read and write there ({@code hdfs://} URIs for the corpus, the tokenizer, the model the tasks
 * copy, the tokens and every table) and write the same tables as the same jobs on local files.
 * {@code train} reads its tokens there; {@code train} and {@code probe}, which use a model
 * directory with local file I/O, refuse a {@code hdfs://} one with one line.
 */
class HdfsIT {

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 1200, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void pipelineOnHdfsWritesTheSameTablesAsOnLocalFiles() throws IOException {
        List<String> names = ExtractFixtures.allNames().subList(0, 1000);
        Path input = Files.write(tmp.resolve("names-1000.txt"), names);
        CharTokenizer tokenizer = ExtractFixtures.namesTokenizer();
        Path model = ExtractFixtures.randomModel(tmp.resolve("model"), NAMES_CONFIG, tokenizer.toTokenizerJson(), 3);
        String local = tmp.resolve("local").toString();
        String localProbes = tmp.resolve("local-probes").toString();
        for (String[] job : withoutProbe(NamesPipeline.jobs(input.toString(), model.toString(), model, local))) {
            CliRun run = CliRun.of(job);
            assertThat(run.exitCode()).as(run.err()).isZero();
        }
        CliRun localProbe = CliRun.of(probe(model, localProbes));
        assertThat(localProbe.exitCode()).as(localProbe.err()).isZero();

        SparkSession spark = SparkTestSession.get();
        try (MiniHdfs hdfs = MiniHdfs.start("pipeline")) {
            hdfs.put(input, "/corpora/names-1000.txt");
            hdfs.put(model, "/models/names");
            String onHdfs = hdfs.uri("/runs/names");
            assertThat(onHdfs).startsWith("hdfs://127.0.0.1:");
            for (String[] job : withoutProbe(NamesPipeline.jobs(
                    hdfs.uri("/corpora/names-1000.txt"), hdfs.uri("/models/names"), model, onHdfs))) {
                CliRun run = CliRun.of(job);
                assertThat(run.exitCode())
                        .as(String.join(" ", job) + "\n" + run.err())
                        .isZero();
            }
            // probe reads its model locally and writes its table to HDFS.
            String hdfsProbes = hdfs.uri("/runs/probes");
            CliRun hdfsProbe = CliRun.of(probe(model, hdfsProbes));
            assertThat(hdfsProbe.exitCode()).as(hdfsProbe.err()).isZero();
            SameTables.assertSame(spark, localProbes, hdfsProbes, List.of(Schemas.HEAD_PROBES), 1e-6);
            assertThat(hdfs.fileSystem().exists(new org.apache.hadoop.fs.Path(onHdfs + "/head_stats")))
                    .isTrue();

            List<String> tables = NamesPipeline.tables(spark, local);
            assertThat(tables).contains(Schemas.TOKENS, Schemas.HEAD_STATS, Schemas.HEAD_SUMMARY);
            assertThat(NamesPipeline.tables(spark, onHdfs)).isEqualTo(tables);
            SameTables.assertSame(spark, local, onHdfs, tables, 1e-6);

            CliRun trained = CliRun.of(
                    "train",
                    "--tokens",
                    onHdfs,
                    "--out",
                    tmp.resolve("trained").toString(),
                    "--steps",
                    "2",
                    "--batch-size",
                    "8",
                    "--eval-interval",
                    "2",
                    "--eval-batches",
                    "1");
            assertThat(trained.exitCode()).as(trained.err()).isZero();
            assertThat(tmp.resolve("trained/model.safetensors")).isNotEmptyFile();
            assertThat(tmp.resolve("trained/tokenizer.json")).hasContent(tokenizer.toTokenizerJson());
            CliRun train = CliRun.of("train", "--tokens", local, "--out", hdfs.uri("/models/trained"), "--steps", "1");
            assertThat(train.exitCode()).isEqualTo(2);
            assertThat(train.err().strip())
                    .doesNotContain("\n")
                    .contains("--out hdfs:/127.0.0.1:", "train needs a local path");
            CliRun probe = CliRun.of("probe", "--model", hdfs.uri("/models/names"), "--out", onHdfs);
            assertThat(probe.exitCode()).isEqualTo(2);
            assertThat(probe.err().strip()).doesNotContain("\n").contains("probe needs a local path");
        }
    }

    /**
     * summarize refuses tables of two model directories, and probe's model is local while
     * extract's is on HDFS: probe runs into a run directory of its own.
     */
    private static List<String[]> withoutProbe(List<String[]> jobs) {
        return jobs.stream().filter(job -> !job[0].equals("probe")).toList();
    }

    private static String[] probe(Path model, String out) {
        return new String[] {"probe", "--model", model.toString(), "--out", out, "--seed", "7", "--n-sequences", "64"};
    }
}
