package io.headwise.spark;

import io.headwise.model.Checkpoint;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkFiles;

/**
 * A model directory as tasks see it: the driver adds its {@code config.json} and {@code
 * model.safetensors} to Spark's file distribution ({@code SparkContext.addFile}) under the names
 * {@link #configFile()} and {@link #weightsFile()} — prefixed with the content fingerprint, because
 * Spark registers files by name and two models must not collide — and every executor fetches them
 * once into its {@code SparkFiles} directory. This works the same in local, local-cluster and
 * cluster mode and for any Hadoop URI of the model directory (the driver reads it); {@code addFile}
 * of a whole directory would not, since Spark refuses local directories outside local mode.
 *
 * @param location the model directory as the user named it (for messages and the cache key)
 * @param fingerprint sha256 (hex) of config.json followed by model.safetensors
 */
public record ShippedModel(String location, String fingerprint) implements Serializable {

    /** The name {@code config.json} is distributed under. */
    public String configFile() {
        return shortFingerprint() + "-" + Checkpoint.CONFIG_FILE;
    }

    /** The name {@code model.safetensors} is distributed under. */
    public String weightsFile() {
        return shortFingerprint() + "-" + Checkpoint.WEIGHTS_FILE;
    }

    private String shortFingerprint() {
        return fingerprint.substring(0, 16);
    }

    /**
     * On an executor: a model directory made of links to the fetched files, in the {@code
     * SparkFiles} directory (so Spark removes it with the application).
     */
    public Path localDirectory() {
        Path dir = Path.of(SparkFiles.getRootDirectory(), "model-" + shortFingerprint());
        try {
            Files.createDirectories(dir);
            link(dir.resolve(Checkpoint.CONFIG_FILE), Path.of(SparkFiles.get(configFile())));
            link(dir.resolve(Checkpoint.WEIGHTS_FILE), Path.of(SparkFiles.get(weightsFile())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the shipped model " + location + " in " + dir, e);
        }
        return dir;
    }

    private static void link(Path link, Path target) throws IOException {
        if (!Files.isRegularFile(target)) {
            throw new IOException(target + " was not fetched: was the model added with SparkContext.addFile?");
        }
        try {
            Files.createSymbolicLink(link, target.toAbsolutePath());
        } catch (FileAlreadyExistsException e) {
            // Laid out by an earlier task of this JVM (or a concurrent one): same content by name.
        }
    }
}
