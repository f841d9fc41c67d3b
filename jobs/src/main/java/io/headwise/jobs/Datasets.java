package io.headwise.jobs;

import io.headwise.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the datasets are (SPEC §1): {@code $HEADWISE_DATASETS_DIR}, else {@code datasets/} in the
 * repository ({@code -Dheadwise.home}, set by the {@code ./headwise} launcher; the working
 * directory otherwise). Both have the same layout: {@code names.txt}, {@code wiki/*.xml.bz2},
 * {@code gpt2-tokenizer/}.
 */
public final class Datasets {

    public static final String ENV = "HEADWISE_DATASETS_DIR";
    public static final String DIR_DEFAULT = "datasets";

    private Datasets() {}

    public static Path dir() {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env).toAbsolutePath();
        }
        return Path.of(System.getProperty("headwise.home", "."))
                .resolve(DIR_DEFAULT)
                .toAbsolutePath()
                .normalize();
    }

    /**
     * {@code path} with its leading {@code datasets/} replaced by {@code datasetsDir}, or null when
     * it does not start with {@code datasets/} or {@code datasetsDir} is the working directory's
     * {@code datasets/} anyway. The caller uses it when nothing is at {@code path} itself, so that
     * {@code --input datasets/names.txt} reads {@code $HEADWISE_DATASETS_DIR/names.txt}.
     */
    public static String relocate(String path, Path datasetsDir) {
        String prefix = DIR_DEFAULT + "/";
        if (!path.startsWith(prefix) || path.length() == prefix.length()) {
            return null;
        }
        if (datasetsDir.equals(Path.of(DIR_DEFAULT).toAbsolutePath().normalize())) {
            return null;
        }
        return datasetsDir.resolve(path.substring(prefix.length())).toString();
    }

    /** A dataset file that must exist, e.g. {@code names.txt}. */
    public static Path require(String relative) {
        Path path = dir().resolve(relative);
        if (!Files.exists(path)) {
            throw new BadInputException(
                    "%s: dataset not found (run datasets/fetch.sh, or set %s to a directory that has it)", path, ENV);
        }
        return path;
    }
}
