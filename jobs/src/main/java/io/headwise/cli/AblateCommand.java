package io.headwise.cli;

import io.headwise.jobs.AblateJob;
import io.headwise.jobs.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "ablate",
        mixinStandardHelpOptions = true,
        description =
                "Interventions on heads (zero, mean, merge, joint) over a tokens table → head_ablation, ablation_deltas (--per-sample), rejects.")
final class AblateCommand extends JobCommand {

    @Mixin
    AblateJob.Options options;

    @Override
    void run(JobContext context) {
        AblateJob.run(context, options);
    }
}
