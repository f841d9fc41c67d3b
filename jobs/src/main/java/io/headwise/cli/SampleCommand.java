package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.SampleJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        description = "Generates text from a model: names, one per line, for a char-level model.")
final class SampleCommand extends JobCommand {

    @Mixin
    SampleJob.Options options;

    @Override
    boolean needsSpark() {
        return false;
    }

    @Override
    void run(JobContext context) {
        SampleJob.run(context, options);
    }
}
