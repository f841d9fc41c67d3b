/**
 * The command line: {@link io.headwise.cli.Headwise} (the only {@code main}) and one picocli
 * command per job. A command holds the job's flags, maps them onto the job's {@code
 * Options.builder()}, starts or reuses a Spark session and runs the job; it turns {@link
 * io.headwise.BadInputException} into one line on stderr and exit code 2.
 */
package io.headwise.cli;
