package io.headwise.tokenize;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/** Locates test fixtures and the shared datasets directory. */
final class TestData {
    private TestData() {}

    /** The gpt2-tiny char-level tokenizer.json copied into test resources. */
    static Path tinyTokenizer() {
        try {
            return Paths.get(TestData.class
                    .getResource("/tokenize/gpt2-tiny-tokenizer.json")
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * OpenAI's GPT-2 tokenizer files: {@code $HEADWISE_DATASETS_DIR/gpt2-tokenizer}, else the first
     * {@code shared/datasets/gpt2-tokenizer} found walking up from the working directory. Skips
     * the calling test when neither exists.
     */
    static Path gpt2TokenizerDir() {
        String env = System.getenv("HEADWISE_DATASETS_DIR");
        Path found = null;
        if (env != null && !env.isBlank()) {
            found = Paths.get(env).resolve("gpt2-tokenizer");
        } else {
            for (Path d = Paths.get("").toAbsolutePath(); d != null; d = d.getParent()) {
                Path candidate = d.resolve("shared/datasets/gpt2-tokenizer");
                if (Files.isDirectory(candidate)) {
                    found = candidate;
                    break;
                }
            }
        }
        assumeTrue(
                found != null && Files.isRegularFile(found.resolve("encoder.json")),
                "GPT-2 tokenizer files (encoder.json, vocab.bpe) not found: set HEADWISE_DATASETS_DIR "
                        + "to a directory holding gpt2-tokenizer/");
        return found;
    }
}
