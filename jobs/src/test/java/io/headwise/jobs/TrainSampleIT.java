package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.model.Checkpoint;
import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import io.headwise.tokenize.CharTokenizer;
import io.headwise.train.TrainingRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} then {@code sample} through the CLI, on a tokens table of 300 names. */
class TrainSampleIT {

    @TempDir
    static Path tmp;

    static Path runDir;

    @BeforeAll
    static void tokensTable() throws IOException {
        List<String> names =
                Files.readAllLines(Fixtures.datasets().resolve("names.txt")).subList(0, 300);
        runDir = tmp.resolve("run");
        writeTokens(runDir, names, 0);
    }

    static void writeTokens(Path dir, List<String> names, int extraId) throws IOException {
        SparkSession spark = SparkTestSession.get();
        CharTokenizer tokenizer = CharTokenizer.fromCorpus(names);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int[] ids = tokenizer.encode(names.get(i));
            if (extraId > 0 && i == 7) {
                ids[1] = extraId;
            }
            List<Integer> idList = Arrays.stream(ids).boxed().toList();
            List<String> pieces = Arrays.stream(ids)
                    .mapToObj(
                            id -> id < tokenizer.vocabSize() ? tokenizer.vocab().get(id) : "?")
                    .toList();
            rows.add(RowFactory.create(
                    1_000_000L + i,
                    "names.txt",
                    (long) i + 1,
                    null,
                    0,
                    scala.jdk.javaapi.CollectionConverters.asScala(idList).toSeq(),
                    scala.jdk.javaapi.CollectionConverters.asScala(pieces).toSeq()));
        }
        spark.createDataFrame(rows, Schemas.TOKENS_SCHEMA)
                .coalesce(1)
                .write()
                .parquet(dir.resolve(Schemas.TOKENS).toString());
        Files.writeString(dir.resolve("tokenizer.json"), tokenizer.toTokenizerJson());
    }

    @Test
    void trainsThenSamplesNames() throws IOException {
        Path model = tmp.resolve("model");
        CliRun train = CliRun.of(
                "train",
                "--tokens",
                runDir.toString(),
                "--out",
                model.toString(),
                "--preset",
                "names-demo",
                "--layers",
                "2",
                "--heads",
                "2",
                "--embd",
                "32",
                "--steps",
                "120",
                "--eval-interval",
                "60",
                "--lr",
                "1e-2");
        assertThat(train.exitCode()).as(train.err()).isZero();
        assertThat(train.out()).contains("held-out").contains(model.toString());
        assertThat(Checkpoint.readConfig(model).nPositions())
                .isEqualTo(Files.readAllLines(Fixtures.datasets().resolve("names.txt")).subList(0, 300).stream()
                                .mapToInt(String::length)
                                .max()
                                .getAsInt()
                        + 2);
        assertThat(Checkpoint.readMetadata(model).get("preset").getAsString()).isEqualTo("names-demo");
        assertThat(Files.readAllLines(model.resolve(TrainingRun.HELDOUT_FILE))).hasSize(30);
        assertThat(Files.readAllLines(model.resolve(TrainingRun.CURVE_FILE))).hasSize(3);
        assertThat(model.resolve("tokenizer.json")).exists();

        CliRun sample = CliRun.withoutSpark("sample", "--model", model.toString(), "--n", "100");
        assertThat(sample.exitCode()).as(sample.err()).isZero();
        List<String> lines = sample.out().lines().toList();
        assertThat(lines).hasSize(100).allMatch(l -> l.matches("[a-z]*"));

        CliRun again = CliRun.of("train", "--tokens", runDir.toString(), "--out", model.toString(), "--steps", "10");
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err().strip())
                .isEqualTo("headwise train: " + model
                        + " already exists; pass --resume to continue training it or --overwrite to replace it");
    }

    @Test
    void aStreamedRunHoldsOutTheSameSamplesAndResumesWhereItStopped() throws IOException {
        // A constant rate and no dropout: steps 20..39 of a resumed run are those of a straight one.
        List<String> common = List.of(
                "--tokens",
                runDir.toString(),
                "--layers",
                "1",
                "--heads",
                "2",
                "--embd",
                "16",
                "--lr",
                "1e-2",
                "--min-lr",
                "1e-2",
                "--warmup",
                "0",
                "--eval-interval",
                "20",
                "--batch-size",
                "16");
        Path memory = tmp.resolve("memory");
        Path streamed = tmp.resolve("streamed");
        Path resumed = tmp.resolve("resumed");
        CliRun inMemory = train(common, "--out", memory.toString(), "--steps", "40");
        assertThat(inMemory.exitCode()).as(inMemory.err()).isZero();
        assertThat(inMemory.out()).doesNotContain("stream");
        CliRun stream =
                train(common, "--out", streamed.toString(), "--steps", "40", "--stream", "--shuffle-buffer", "50");
        assertThat(stream.exitCode()).as(stream.err()).isZero();
        assertThat(stream.out())
                .contains("300 samples of 2,385 tokens")
                .contains("(--stream); streaming them from the table through a shuffle buffer of 50 samples")
                .contains("(270 train / 30 held-out samples)");

        assertThat(Files.readAllLines(streamed.resolve(TrainingRun.HELDOUT_FILE)))
                .hasSize(30)
                .isEqualTo(Files.readAllLines(memory.resolve(TrainingRun.HELDOUT_FILE)));
        assertThat(Checkpoint.readMetadata(streamed).get("samples").getAsString())
                .isEqualTo("stream (shuffle buffer of 50 samples)");
        assertThat(Checkpoint.readMetadata(memory).get("samples").getAsString()).isEqualTo("memory");
        // Both learn: the held-out loss falls well below a uniform guess over the 27 ids (ln 27 = 3.30).
        assertThat(testLoss(streamed, 40)).isLessThan(testLoss(streamed, 20)).isLessThan(2.9);
        assertThat(testLoss(memory, 40)).isLessThan(2.9);

        CliRun first =
                train(common, "--out", resumed.toString(), "--steps", "20", "--stream", "--shuffle-buffer", "50");
        assertThat(first.exitCode()).as(first.err()).isZero();
        CliRun rest = train(
                common, "--out", resumed.toString(), "--steps", "40", "--stream", "--shuffle-buffer", "50", "--resume");
        assertThat(rest.exitCode()).as(rest.err()).isZero();
        assertThat(losses(resumed)).isEqualTo(losses(streamed)).hasSize(2);
    }

    private static CliRun train(List<String> common, String... more) {
        List<String> args = new ArrayList<>(List.of("train"));
        args.addAll(common);
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** curve.csv's step, train and held-out loss columns (not the wall time). */
    private static List<String> losses(Path model) throws IOException {
        return Files.readAllLines(model.resolve(TrainingRun.CURVE_FILE)).stream()
                .skip(1)
                .map(l -> String.join(",", Arrays.asList(l.split(",")).subList(0, 3)))
                .toList();
    }

    private static double testLoss(Path model, int step) throws IOException {
        return losses(model).stream()
                .filter(l -> l.startsWith(step + ","))
                .mapToDouble(l -> Double.parseDouble(l.split(",")[2]))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void badInputIsOneLine() throws IOException {
        Path bad = tmp.resolve("bad");
        writeTokens(
                bad,
                Files.readAllLines(Fixtures.datasets().resolve("names.txt")).subList(0, 50),
                99);
        CliRun run = CliRun.of(
                "train", "--tokens", bad.toString(), "--out", tmp.resolve("m2").toString(), "--steps", "5");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("sample_id 1000007 has token id 99").hasLineCount(1);

        CliRun small = CliRun.of(
                "train",
                "--tokens",
                runDir.toString(),
                "--out",
                tmp.resolve("m3").toString(),
                "--block-size",
                "5");
        assertThat(small.exitCode()).isEqualTo(2);
        assertThat(small.err()).contains("more than --block-size 5");

        CliRun diverge = CliRun.of(
                "train",
                "--tokens",
                runDir.toString(),
                "--out",
                tmp.resolve("m4").toString(),
                "--steps",
                "40",
                "--lr",
                "1e9",
                "--warmup",
                "0",
                "--grad-clip",
                "0",
                "--eval-interval",
                "40");
        assertThat(diverge.exitCode()).isEqualTo(2);
        assertThat(diverge.err())
                .contains("training diverged")
                .containsPattern("at step \\d+ \\(learning rate (1\\.00e\\+09|9\\.\\d+e\\+08)\\)");
    }
}
