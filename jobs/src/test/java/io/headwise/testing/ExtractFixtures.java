package io.headwise.testing;

import ai.djl.ndarray.NDManager;
import io.headwise.jobs.Tables;
import io.headwise.model.Checkpoint;
import io.headwise.model.GptConfig;
import io.headwise.model.GptWeights;
import io.headwise.spark.Schemas;
import io.headwise.tokenize.CharTokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Inputs for {@code extract} tests and benchmarks: a random model with the names' char tokenizer,
 * and {@code tokens} tables built directly (as {@code tokenize} would write them: the table plus
 * the tokenizer.json it used in the run directory).
 */
public final class ExtractFixtures {

    /** The names model's shape for tests: vocab 27, context 20, 16 dims, 2 layers, 2 heads. */
    public static final GptConfig NAMES_CONFIG = GptConfig.of(27, 20, 16, 2, 2);

    private ExtractFixtures() {}

    /** All lines of names.txt. */
    public static List<String> allNames() {
        try {
            return Files.readAllLines(Fixtures.datasets().resolve("names.txt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The char tokenizer of all of names.txt ({@code .} and a–z). */
    public static CharTokenizer namesTokenizer() {
        return CharTokenizer.fromCorpus(allNames());
    }

    /** Writes a model directory with random weights and {@code tokenizerJson}. */
    public static Path randomModel(Path dir, GptConfig config, String tokenizerJson, long seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Files.createDirectories(dir);
            Path tokenizer = Files.writeString(Files.createTempFile("tokenizer", ".json"), tokenizerJson);
            Checkpoint.write(dir, GptWeights.random(config, manager, seed), tokenizer, null);
            Files.delete(tokenizer);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A {@code tokens} row (one chunk per document). */
    public static Row tokensRow(long sampleId, long docId, int[] ids, List<String> pieces) {
        return RowFactory.create(sampleId, "names.txt", docId, null, 0, ids, pieces.toArray(String[]::new));
    }

    /** The rows of {@code names} (line i gets doc_id i+1 and sample_id {@link #sampleId}). */
    public static List<Row> nameRows(CharTokenizer tokenizer, List<String> names) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            int[] ids = tokenizer.encode(names.get(i));
            rows.add(tokensRow(sampleId(i + 1), i + 1, ids, pieces(tokenizer, ids)));
        }
        return rows;
    }

    public static long sampleId(long docId) {
        return docId * 0x9E3779B97F4A7C15L;
    }

    public static List<String> pieces(CharTokenizer tokenizer, int[] ids) {
        List<String> pieces = new ArrayList<>();
        for (int id : ids) {
            pieces.add(id >= 0 && id < tokenizer.vocabSize() ? tokenizer.vocab().get(id) : "?");
        }
        return pieces;
    }

    /** Writes {@code rows} as {@code runDir/tokens} and {@code tokenizerJson} as {@code runDir/tokenizer.json}. */
    public static Path writeTokens(
            SparkSession spark, Path runDir, List<Row> rows, String tokenizerJson, int partitions) {
        Tables.write(
                spark.createDataFrame(rows, Schemas.TOKENS_SCHEMA).repartition(partitions),
                runDir.toString(),
                Schemas.TOKENS);
        try {
            Files.writeString(runDir.resolve("tokenizer.json"), tokenizerJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runDir;
    }
}
