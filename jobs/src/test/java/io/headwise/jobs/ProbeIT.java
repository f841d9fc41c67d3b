package io.headwise.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.headwise.metrics.ProbeSequences;
import io.headwise.model.Analyzer;
import io.headwise.model.Checkpoint;
import io.headwise.model.Gpt;
import io.headwise.model.SampleResult;
import io.headwise.spark.Schemas;
import io.headwise.testing.CliRun;
import io.headwise.testing.Fixtures;
import io.headwise.testing.SparkTestSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code probe} on gpt2-tiny: a char model, vocabulary {@code .} (id 0, bos/eos) and a–z, 2 × 2 heads, n_positions 32. */
class ProbeIT {

    private static final int N_SEQUENCES = 12;
    private static final int HALF = 15; // min(20, (32 - 1) / 2)
    private static final long SEED = 3;

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static CliRun run;

    @BeforeAll
    static void probe() {
        spark = SparkTestSession.get();
        run = CliRun.of(
                "probe",
                "--model",
                Fixtures.gpt2Tiny().toString(),
                "--out",
                dir.toString(),
                "--n-sequences",
                "" + N_SEQUENCES,
                "--seed",
                "" + SEED,
                "--batch-size",
                "5");
    }

    private static List<Row> probes(Path runDir) {
        return spark.read()
                .parquet(runDir.resolve(Schemas.HEAD_PROBES).toString())
                .orderBy("layer", "head")
                .collectAsList();
    }

    @Test
    void oneRowPerHeadWithTheRunsSizesAndScoresInZeroOne() {
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("head_probes", "4 rows", "induction", "prev_token");
        List<Row> rows = probes(dir);
        assertThat(rows).hasSize(4);
        for (Row row : rows) {
            assertThat(row.getInt(row.fieldIndex("n_sequences"))).isEqualTo(N_SEQUENCES);
            assertThat(row.getInt(row.fieldIndex("half_length"))).isEqualTo(HALF);
            for (String score : List.of("induction", "duplicate", "prev_token")) {
                assertThat(row.getDouble(row.fieldIndex(score))).isBetween(0.0, 1.0);
            }
        }
        Row manifest = spark.read()
                .parquet(dir.resolve(Schemas.RUN_MANIFEST).toString())
                .first();
        assertThat(manifest.getString(manifest.fieldIndex("model_dir")))
                .isEqualTo(Fixtures.gpt2Tiny().toAbsolutePath().normalize().toString());
    }

    /** The same seeded sequences, one at a time through Analyzer, scored here by hand. */
    @Test
    void scoresEqualTheMeansComputedDirectlyFromTheModel() {
        int[] vocabulary = IntStream.rangeClosed(1, 26).toArray();
        double[][] induction = new double[2][2];
        double[][] duplicate = new double[2][2];
        double[][] prevToken = new double[2][2];
        try (NDManager manager = NDManager.newBaseManager()) {
            Analyzer analyzer = new Analyzer(new Gpt(Checkpoint.read(Fixtures.gpt2Tiny(), manager)), manager, 0, false);
            for (int i = 0; i < N_SEQUENCES; i++) {
                int[] ids = ProbeSequences.sequence(SEED, i, HALF, 0, vocabulary);
                SampleResult result = analyzer.analyze(List.of(ids)).get(0);
                for (int l = 0; l < 2; l++) {
                    for (int h = 0; h < 2; h++) {
                        float[][] a = result.patterns()[l][h];
                        for (int q = 1 + HALF; q <= 2 * HALF; q++) {
                            induction[l][h] += a[q][q - HALF + 1];
                            duplicate[l][h] += a[q][q - HALF];
                            prevToken[l][h] += a[q][q - 1];
                        }
                    }
                }
            }
        }
        double queries = N_SEQUENCES * HALF;
        for (Row row : probes(dir)) {
            int l = row.getInt(0);
            int h = row.getInt(1);
            assertThat(row.getDouble(row.fieldIndex("induction"))).isCloseTo(induction[l][h] / queries, within(1e-6));
            assertThat(row.getDouble(row.fieldIndex("duplicate"))).isCloseTo(duplicate[l][h] / queries, within(1e-6));
            assertThat(row.getDouble(row.fieldIndex("prev_token"))).isCloseTo(prevToken[l][h] / queries, within(1e-6));
        }
    }

    @Test
    void theSameSeedGivesTheSameScoresAnotherSeedOthers(@TempDir Path again, @TempDir Path other) {
        String model = Fixtures.gpt2Tiny().toString();
        assertThat(CliRun.of(
                                "probe",
                                "--model",
                                model,
                                "--out",
                                again.toString(),
                                "--n-sequences",
                                "" + N_SEQUENCES,
                                "--seed",
                                "" + SEED)
                        .exitCode())
                .isZero();
        assertThat(CliRun.of(
                                "probe",
                                "--model",
                                model,
                                "--out",
                                other.toString(),
                                "--n-sequences",
                                "" + N_SEQUENCES,
                                "--seed",
                                "4")
                        .exitCode())
                .isZero();
        List<Row> first = probes(dir);
        List<Row> same = probes(again);
        List<Row> different = probes(other);
        for (int i = 0; i < 4; i++) {
            assertThat(same.get(i).getDouble(2)).isCloseTo(first.get(i).getDouble(2), within(1e-12));
            assertThat(same.get(i).getDouble(4)).isCloseTo(first.get(i).getDouble(4), within(1e-12));
        }
        assertThat(different.get(0).getDouble(4)).isNotCloseTo(first.get(0).getDouble(4), within(1e-9));
    }

    @Test
    void halfLengthMustFitTheContext(@TempDir Path out) {
        CliRun tooLong = CliRun.of(
                "probe", "--model", Fixtures.gpt2Tiny().toString(), "--out", out.toString(), "--half-length", "16");
        assertThat(tooLong.exitCode()).isEqualTo(2);
        assertThat(tooLong.err())
                .contains(
                        "--half-length must be in 1..15 so that 1 + 2 * half_length fits the model's n_positions (32), got 16");
        CliRun none = CliRun.of("probe", "--model", out.resolve("missing").toString(), "--out", out.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("missing");
    }

    /**
     * Hugging Face writes GPT2Config's bos/eos 50256 into small models that did not set their own:
     * such a model loads (inspect), and probe, which starts its sequences with bos, says why not.
     */
    @Test
    void aStartTokenOutsideTheVocabularyLoadsButCannotStartProbes(@TempDir Path model, @TempDir Path out)
            throws IOException {
        for (String file : List.of("config.json", "model.safetensors", "tokenizer.json")) {
            Files.copy(Fixtures.gpt2Tiny().resolve(file), model.resolve(file));
        }
        Path config = model.resolve("config.json");
        JsonObject json = JsonParser.parseString(Files.readString(config)).getAsJsonObject();
        json.addProperty("bos_token_id", 50256);
        json.addProperty("eos_token_id", 50256);
        Files.writeString(config, json.toString());

        CliRun inspect =
                CliRun.withoutSpark("inspect", "--model", model.toString(), "--text", "emma", "--format", "json");
        assertThat(inspect.exitCode()).as(inspect.err()).isZero();
        CliRun probe = CliRun.of("probe", "--model", model.toString(), "--out", out.toString());
        assertThat(probe.exitCode()).isEqualTo(2);
        assertThat(probe.err().strip())
                .isEqualTo(
                        "headwise probe: " + config
                                + ": bos_token_id 50256 is not a token id of this model (vocab_size 27), and probe sequences start with it; set bos_token_id in config.json");
    }
}
