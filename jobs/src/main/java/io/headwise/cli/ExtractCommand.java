package io.headwise.cli;

import io.headwise.jobs.ExtractJob;
import io.headwise.jobs.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        description =
                "Per-sample attention, gradients and activations of a tokens table → head_stats, token_stats, activations, attention, head_token_mass, rejects.")
final class ExtractCommand extends JobCommand {

    @Mixin
    ExtractJob.Options options;

    @Override
    void run(JobContext context) {
        ExtractJob.run(context, options);
    }
}
