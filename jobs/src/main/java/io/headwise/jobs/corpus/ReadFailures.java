package io.headwise.jobs.corpus;

import io.headwise.BadInputException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A file that Spark's readers cannot get through (bytes that are not in the dump's encoding, a
 * corrupt compressed block) fails the whole read with {@code FAILED_READ_FILE}; this turns that
 * into bad input naming the file, so the CLI prints one line and exits with 2.
 */
public final class ReadFailures {

    private static final Pattern FILE =
            Pattern.compile("FAILED_READ_FILE[.A-Z_]*\\] Encountered error while reading file (\\S+?)\\.?\\s");

    private ReadFailures() {}

    /** {@code e} as it should leave the job: a {@link BadInputException} for a read failure. */
    public static RuntimeException translate(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            Matcher m = t.getMessage() == null ? null : FILE.matcher(t.getMessage() + " ");
            if (m != null && m.find()) {
                return new BadInputException(e, "%s: unreadable input: %s", m.group(1), rootMessage(t));
            }
        }
        return e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
