package io.headwise.jobs;

import io.headwise.BadInputException;
import io.headwise.model.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How a run records the model it used in {@code run_manifest}: the model directory as an absolute,
 * normalised path and the text of its {@code config.json}. {@code summarize} compares these to
 * refuse tables from two different models.
 */
public final class ModelIdentity {

    private ModelIdentity() {}

    public static String dir(Path modelDir) {
        return modelDir.toAbsolutePath().normalize().toString();
    }

    public static String config(Path modelDir) {
        Path file = modelDir.resolve(Checkpoint.CONFIG_FILE);
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new BadInputException("%s: cannot read (%s)", file, e.getMessage());
        }
    }
}
