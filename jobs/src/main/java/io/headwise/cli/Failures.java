package io.headwise.cli;

import io.headwise.BadInputException;
import java.io.PrintStream;
import picocli.CommandLine;

/**
 * Turns an exception escaping a job into the exit code and one line on stderr: {@link
 * BadInputException} (found anywhere in the cause chain, e.g. wrapped by a Spark task failure) → 2,
 * anything else → 1; a JVM out of heap gets a hint where to give it more. The stack trace is
 * printed only with {@code --verbose}.
 */
final class Failures implements CommandLine.IExecutionExceptionHandler {

    static final String OUT_OF_MEMORY_HINT = "; the JVM ran out of heap: give it more"
            + " (HEADWISE_DRIVER_MEMORY for ./headwise, default 4g; --driver-memory or --executor-memory for spark-submit)";

    private final PrintStream err;

    Failures(PrintStream err) {
        this.err = err;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        boolean verbose = parsed.hasMatchedOption("--verbose")
                || (parsed.subcommand() != null && parsed.subcommand().hasMatchedOption("--verbose"));
        BadInputException bad = badInput(ex);
        String job = "headwise " + cmd.getCommandName();
        if (bad != null) {
            err.println(job + ": " + oneLine(bad.getMessage()));
        } else {
            err.println(job + ": failed: " + oneLine(rootMessage(ex)) + (outOfMemory(ex) ? OUT_OF_MEMORY_HINT : "")
                    + (verbose ? "" : " (run with --verbose for details)"));
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return bad != null ? 2 : 1;
    }

    static BadInputException badInput(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof BadInputException bad) {
                return bad;
            }
        }
        return null;
    }

    /** An OutOfMemoryError in the cause chain, or named by it (a remote task's failure is text). */
    static boolean outOfMemory(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError
                    || (t.getMessage() != null && t.getMessage().contains("java.lang.OutOfMemoryError"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable ex) {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String oneLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return (newline < 0 ? message : message.substring(0, newline)).strip();
    }
}
