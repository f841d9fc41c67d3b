package io.headwise.jobs;

import io.headwise.BadInputException;

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
}
