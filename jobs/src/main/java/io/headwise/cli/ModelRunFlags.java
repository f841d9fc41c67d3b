package io.headwise.cli;

import picocli.CommandLine.Option;

/** The flags of the jobs that run a model over a tokens table into a run directory. */
final class ModelRunFlags {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "MODEL_DIR",
            description = "Model directory (any Hadoop URI).")
    String model;

    @Option(
            names = "--tokens",
            required = true,
            paramLabel = "DIR",
            description = "Run directory holding the tokens table (or the table itself).")
    String tokens;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Run directory to write the tables into.")
    String out;
}
