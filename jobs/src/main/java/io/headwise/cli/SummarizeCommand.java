package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.SummarizeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "summarize",
        mixinStandardHelpOptions = true,
        description = "Per-head corpus summaries -> head_summary and head_distances.")
final class SummarizeCommand extends JobCommand {

    @Mixin
    SummarizeJob.Options options;

    @Override
    void run(JobContext context) {
        SummarizeJob.run(context, options);
    }
}
