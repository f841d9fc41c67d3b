package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.SqlJob;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = "Spark SQL over every table under a run directory, with top_attended and pattern_entropy.")
final class SqlCommand extends JobCommand {

    @Option(
            names = "--tables",
            required = true,
            paramLabel = "DIR",
            description = "Run directory whose tables become views.")
    String tables;

    @Option(
            names = "--format",
            defaultValue = SqlJob.FORMAT_DEFAULT,
            paramLabel = "table|csv|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--file", paramLabel = "q.sql", description = "Read the query from this file.")
    Path file;

    @Option(
            names = "--max-rows",
            defaultValue = "" + SqlJob.MAX_ROWS_DEFAULT,
            paramLabel = "N",
            description =
                    "Rows an aligned table shows at most (default: ${DEFAULT-VALUE}); csv and json print every row.")
    int maxRows;

    @Parameters(arity = "0..1", paramLabel = "QUERY", description = "The query (or --file).")
    String query;

    @Override
    void run(JobContext context) {
        new SqlJob(SqlJob.Options.builder()
                        .tables(tables)
                        .format(format)
                        .file(file)
                        .maxRows(maxRows)
                        .query(query)
                        .build())
                .run(context);
    }
}
