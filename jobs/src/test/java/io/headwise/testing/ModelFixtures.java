package io.headwise.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The udfs test checkpoints as real directories. Integration tests run against the udfs test jar,
 * where {@link Fixtures#gpt2Tiny()} cannot make a {@code Path}; this copies the files out once.
 */
public final class ModelFixtures {

    private static final List<String> FILES = List.of("config.json", "model.safetensors", "tokenizer.json");
    private static Path gpt2Tiny;

    private ModelFixtures() {}

    /** A copy of gpt2-tiny (char vocabulary {@code .a-z}, 2 layers × 2 heads, n_positions 32). */
    public static synchronized Path gpt2Tiny() {
        if (gpt2Tiny == null) {
            try {
                Path dir = Files.createTempDirectory("gpt2-tiny");
                for (String file : FILES) {
                    try (InputStream in = ModelFixtures.class.getClassLoader().getResourceAsStream("gpt2-tiny/" + file)) {
                        if (in == null) {
                            throw new IllegalStateException("test resource gpt2-tiny/" + file + " not found");
                        }
                        Files.copy(in, dir.resolve(file));
                    }
                }
                dir.toFile().deleteOnExit();
                gpt2Tiny = dir;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return gpt2Tiny;
    }
}
