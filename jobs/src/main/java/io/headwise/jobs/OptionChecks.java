package io.headwise.jobs;

import io.headwise.BadInputException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** The checks jobs' options share; messages name the command-line option, as the CLI's do. */
final class OptionChecks {

    private OptionChecks() {}

    /**
     * {@code value} when it is set.
     *
     * @throws BadInputException "missing required option --name", as picocli says it on a command line
     */
    static <T> T required(T value, String option) {
        if (value == null) {
            throw new BadInputException("missing required option %s", option);
        }
        return value;
    }

    /**
     * {@code path} when it is a local path. Jobs that read or write a model directory with local
     * file I/O ({@code train}'s checkpoint, {@code probe}'s model) take no Hadoop URI: a {@code
     * hdfs://} string turned into a {@link Path} would name a local directory called {@code hdfs:}.
     *
     * @throws BadInputException naming the option and what to do instead
     */
    static Path localPath(Path path, String option, String job) {
        if (path != null && URI_LIKE.matcher(path.toString()).matches()) {
            throw new BadInputException(
                    "%s %s: %s needs a local path (or a file system mounted on the driver) here, not a Hadoop URI;"
                            + " copy the model directory between the two with `hdfs dfs -get`/`-put`",
                    option, path, job);
        }
        return path;
    }

    /** {@code scheme:/…} as it is left of {@code scheme://host/…} once it has been through {@link Path#of}. */
    private static final Pattern URI_LIKE = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*:/.*");
}
