package io.headwise.cli;

import io.headwise.jobs.DemoJob;
import io.headwise.jobs.JobContext;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "The whole pipeline on names.txt: tokenize, train, extract, probe, summarize, report; reuses what is done.")
final class DemoCommand extends JobCommand {

    @Mixin
    DemoJob.Options options;

    @Override
    void run(JobContext context) {
        PrintStream err =
                new PrintStream(new WriterOutputStream(spec.commandLine().getErr()), true, StandardCharsets.UTF_8);
        DemoJob.run(context, options, new DemoJob.Jobs() {
            @Override
            public int run(List<String> args) {
                // The nested command finds this command's session active and reuses it.
                int code = Headwise.execute(context.out(), err, args.toArray(new String[0]));
                err.flush();
                return code;
            }

            @Override
            public boolean exists(String name) {
                return Headwise.commandLine(context.out(), err).getSubcommands().containsKey(name);
            }
        });
    }
}
