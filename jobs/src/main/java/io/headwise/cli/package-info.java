/**
 * The command line: {@link io.headwise.cli.Headwise} (the only {@code main}) and one picocli
 * command per job. Commands parse options, start or reuse a Spark session and call the job; they
 * turn {@link io.headwise.BadInputException} into one line on stderr and exit code 2.
 */
package io.headwise.cli;
