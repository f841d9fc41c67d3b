package io.headwise.jobs;

import ai.djl.ndarray.NDManager;
import io.headwise.BadInputException;
import io.headwise.Sha256;
import io.headwise.model.Checkpoint;
import io.headwise.model.GptConfig;
import io.headwise.model.TorchThreads;
import io.headwise.spark.ShippedModel;
import io.headwise.tokenize.TextTokenizer;
import io.headwise.tokenize.Tokenizers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * The driver's side of getting a model to the executors. {@link #stage} reads the model directory
 * (any Hadoop URI; a plain path is local) — in place when local, else copied to a local temporary
 * directory — checks it completely (config, every tensor, the tokenizer) so a broken model fails
 * here with exit 2 rather than in a task, and fingerprints it. {@link #ship} tells the tasks where
 * to read it ({@link ShippedModel}).
 */
final class ModelStaging {

    /**
     * A checked local copy of a model directory.
     *
     * @param location the directory as the user named it
     * @param localDir a local directory with config.json, model.safetensors and tokenizer.json
     * @param fingerprint sha256 of config.json then model.safetensors
     * @param configJson config.json's text
     * @param tokenizerSha256 sha256 of tokenizer.json
     * @param charLevel whether the tokenizer is char-level
     */
    record Staged(
            String location,
            java.nio.file.Path localDir,
            String fingerprint,
            String configJson,
            GptConfig config,
            String tokenizerSha256,
            boolean charLevel) {}

    private ModelStaging() {}

    static Staged stage(SparkSession spark, String location) {
        java.nio.file.Path local = localCopy(spark, location);
        try {
            GptConfig config = Checkpoint.readConfig(local);
            // Every name, shape and type, before any task starts, from the safetensors header: the
            // driver never holds the weights. Only a tied checkpoint that also stores lm_head.weight
            // is read whole, to compare it with wte.weight; on a thread of its own so that PyTorch's
            // thread pool for it does not outlive the check (TorchThreads).
            if (!Checkpoint.checkLayout(local)) {
                TorchThreads.onShortLivedThread("headwise-check-model", () -> {
                    try (NDManager manager = NDManager.newBaseManager()) {
                        return Checkpoint.read(local, manager).config();
                    }
                });
            }
            if (!Files.isRegularFile(local.resolve(Checkpoint.TOKENIZER_FILE))) {
                throw new BadInputException("%s: no tokenizer.json in the model directory", location);
            }
            boolean charLevel;
            try (TextTokenizer tokenizer = Tokenizers.load(local)) {
                charLevel = tokenizer.isCharLevel();
            }
            String fingerprint =
                    Sha256.hex(local.resolve(Checkpoint.CONFIG_FILE), local.resolve(Checkpoint.WEIGHTS_FILE));
            return new Staged(
                    location,
                    local,
                    fingerprint,
                    Files.readString(local.resolve(Checkpoint.CONFIG_FILE), StandardCharsets.UTF_8),
                    config,
                    Sha256.hex(local.resolve(Checkpoint.TOKENIZER_FILE)),
                    charLevel);
        } catch (BadInputException e) {
            // Name the user's directory, not our local copy of it.
            throw new BadInputException(e, "%s", e.getMessage().replace(local.toString(), location));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where tasks read the model from: the directory as a fully qualified Hadoop URI (a relative
     * or scheme-less path is resolved against the driver's working directory and default file
     * system), with the fingerprint they check.
     */
    static ShippedModel ship(SparkSession spark, Staged staged) {
        Path dir = new Path(staged.location());
        try {
            String qualified = dir.getFileSystem(Tables.hadoopConf(spark))
                    .makeQualified(dir)
                    .toString();
            return new ShippedModel(qualified, staged.fingerprint());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A local path as it is; another file system's directory copied to a fresh local directory. */
    private static java.nio.file.Path localCopy(SparkSession spark, String location) {
        Path dir = new Path(location);
        try {
            FileSystem fs = dir.getFileSystem(Tables.hadoopConf(spark));
            if (fs.getUri().getScheme().equals("file")) {
                return java.nio.file.Path.of(fs.makeQualified(dir).toUri());
            }
            if (!fs.isDirectory(dir)) {
                throw new BadInputException("%s: model directory does not exist", location);
            }
            java.nio.file.Path local = Files.createTempDirectory("headwise-model-");
            for (String name : List.of(Checkpoint.CONFIG_FILE, Checkpoint.WEIGHTS_FILE, Checkpoint.TOKENIZER_FILE)) {
                Path file = new Path(dir, name);
                if (fs.exists(file)) {
                    fs.copyToLocalFile(false, file, new Path(local.resolve(name).toUri()), true);
                }
            }
            return local;
        } catch (IOException e) {
            throw new BadInputException(e, "%s: cannot read the model directory (%s)", location, e.getMessage());
        }
    }
}
