package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.ProbeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "probe",
        mixinStandardHelpOptions = true,
        description = "Synthetic probes (repeated random tokens) through a model -> head_probes.")
final class ProbeCommand extends JobCommand {

    @Mixin
    ProbeJob.Options options;

    @Override
    void run(JobContext context) {
        ProbeJob.run(context, options);
    }
}
