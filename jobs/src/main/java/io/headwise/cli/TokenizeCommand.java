package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.TokenizeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description =
                "Corpus (lines, MediaWiki XML dumps, text) to the tokens table, cut into samples; unusable records to rejects.")
final class TokenizeCommand extends JobCommand {

    @Mixin
    TokenizeJob.Options options;

    @Override
    void run(JobContext context) {
        TokenizeJob.run(context, options);
    }
}
