package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.SummarizeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "summarize",
        mixinStandardHelpOptions = true,
        description = "Per-head corpus summaries -> head_summary and head_distances.")
final class SummarizeCommand extends JobCommand {

    @Option(
            names = "--tables",
            required = true,
            paramLabel = "DIR",
            description = "Run directory holding head_stats (and head_probes, head_token_mass, head_distances).")
    String tables;

    @Option(names = "--overwrite", description = "Replace an existing head_summary table.")
    boolean overwrite;

    @Override
    void run(JobContext context) {
        new SummarizeJob(SummarizeJob.Options.builder()
                        .tables(tables)
                        .overwrite(overwrite)
                        .build())
                .run(context);
    }
}
