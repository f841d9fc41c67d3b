package io.headwise.testing;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/** Test resources and the shared datasets, found the way the jobs find them. */
public final class Fixtures {

    private Fixtures() {}

    /**
     * A directory on the test class path, e.g. {@code gpt2-tiny}. When it sits inside a jar (the
     * udfs test-jar on the jobs test class path) it is copied out once to a temporary directory,
     * since models and tokenizers are read from files.
     */
    public static synchronized Path resourceDir(String name) {
        URL url = Fixtures.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " not found");
        }
        try {
            URI uri = url.toURI();
            if (!uri.getScheme().equals("jar")) {
                return Path.of(uri);
            }
            Path extracted = EXTRACTED.get(name);
            if (extracted == null) {
                extracted = extract(uri, name);
                EXTRACTED.put(name, extracted);
            }
            return extracted;
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException("test resource " + name + " cannot be read", e);
        }
    }

    private static final Map<String, Path> EXTRACTED = new HashMap<>();

    private static Path extract(URI uri, String name) throws IOException {
        Path target = Files.createTempDirectory("headwise-fixture-");
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of());
                Stream<Path> files = Files.walk(jar.getPath(name))) {
            Path root = jar.getPath(name);
            for (Path file : (Iterable<Path>) files::iterator) {
                Path out = target.resolve(root.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(out);
                } else {
                    Files.copy(file, out);
                }
            }
        }
        return target;
    }

    /** The gpt2-tiny golden checkpoint (shared/fixtures/gpt2-tiny, copied into test resources). */
    public static Path gpt2Tiny() {
        return resourceDir("gpt2-tiny");
    }

    /** {@code gpt2-tiny/expected.json}: values computed with Hugging Face GPT-2 semantics. */
    public static JsonObject gpt2TinyExpected() {
        try {
            return JsonParser.parseString(Files.readString(gpt2Tiny().resolve("expected.json")))
                    .getAsJsonObject();
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
        throw new IllegalStateException("datasets not found: set HEADWISE_DATASETS_DIR or run datasets/fetch.sh");
    }
}
