package io.headwise.cli;

import io.headwise.jobs.InspectJob;
import io.headwise.jobs.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "One text through one model, no corpus needed: tokens, next token, per-head statistics.")
final class InspectCommand extends JobCommand {

    @Mixin
    InspectJob.Options options;

    @Override
    boolean needsSpark() {
        return false;
    }

    @Override
    void run(JobContext context) {
        InspectJob.run(context, options);
    }
}
