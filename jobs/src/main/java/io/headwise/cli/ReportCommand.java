package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.ReportJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "One self-contained HTML report (works offline): model, texts through the model, corpus-level head tables, embeddings, training curve.")
final class ReportCommand extends JobCommand {

    @Mixin
    ReportJob.Options options;

    @Override
    void run(JobContext context) {
        ReportJob.run(context, options);
    }
}
