package io.headwise.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test resources and the shared datasets, found the way the jobs find them. */
public final class Fixtures {

    private Fixtures() {}

    /** A directory on the test class path, e.g. {@code gpt2-tiny}. */
    public static Path resourceDir(String name) {
        try {
            return Path.of(Fixtures.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " not found", e);
        }
    }

    /** The gpt2-tiny golden checkpoint (shared/fixtures/gpt2-tiny, copied into test resources). */
    public static Path gpt2Tiny() {
        return resourceDir("gpt2-tiny");
    }

    /** {@code gpt2-tiny/expected.json}: values computed with Hugging Face GPT-2 semantics. */
    public static JsonObject gpt2TinyExpected() {
        try {
            return JsonParser.parseString(Files.readString(gpt2Tiny().resolve("expected.json"))).getAsJsonObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The datasets directory: {@code $HEADWISE_DATASETS_DIR}, else the first {@code
     * shared/datasets} or {@code datasets} (holding names.txt) found walking up from here.
     */
    public static Path datasets() {
        String env = System.getenv("HEADWISE_DATASETS_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            for (Path candidate : new Path[] {dir.resolve("shared/datasets"), dir.resolve("datasets")}) {
                if (Files.isRegularFile(candidate.resolve("names.txt"))) {
                    return candidate;
                }
            }
        }
        throw new IllegalStateException(
                "datasets not found: set HEADWISE_DATASETS_DIR or run datasets/fetch.sh");
    }
}
