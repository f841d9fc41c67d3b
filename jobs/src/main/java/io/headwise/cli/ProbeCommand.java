package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.ProbeJob;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = "Synthetic probes (repeated random tokens) through a model -> head_probes.")
final class ProbeCommand extends JobCommand {

    @Option(names = "--model", required = true, paramLabel = "MODEL_DIR", description = "Model directory.")
    Path model;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Run directory to write head_probes into.")
    String out;

    @Option(
            names = "--n-sequences",
            defaultValue = "" + ProbeJob.N_SEQUENCES_DEFAULT,
            paramLabel = "N",
            description = "Probe sequences (default: ${DEFAULT-VALUE}).")
    int nSequences;

    @Option(
            names = "--half-length",
            paramLabel = "N",
            description = "Tokens in the repeated half r (default: min(20, (n_positions - 1) / 2)).")
    Integer halfLength;

    @Option(
            names = "--seed",
            defaultValue = "" + ProbeJob.SEED_DEFAULT,
            paramLabel = "SEED",
            description = "Seed of the random tokens (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(
            names = "--batch-size",
            defaultValue = "" + ProbeJob.BATCH_SIZE_DEFAULT,
            paramLabel = "N",
            description = "Sequences per model pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--overwrite", description = "Replace an existing head_probes table.")
    boolean overwrite;

    @Override
    void run(JobContext context) {
        new ProbeJob(ProbeJob.Options.builder()
                        .model(model)
                        .out(out)
                        .nSequences(nSequences)
                        .halfLength(halfLength)
                        .seed(seed)
                        .batchSize(batchSize)
                        .overwrite(overwrite)
                        .build())
                .run(context);
    }
}
