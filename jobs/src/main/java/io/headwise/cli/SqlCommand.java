package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.SqlJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = "Spark SQL over every table under a run directory, with top_attended and pattern_entropy.")
final class SqlCommand extends JobCommand {

    @Mixin
    SqlJob.Options options;

    @Override
    void run(JobContext context) {
        SqlJob.run(context, options);
    }
}
