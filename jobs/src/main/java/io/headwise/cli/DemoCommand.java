package io.headwise.cli;

import io.headwise.jobs.DemoJob;
import io.headwise.jobs.JobContext;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "The whole pipeline on names.txt: tokenize, train, extract, probe, summarize, report; reuses what is done.")
final class DemoCommand extends JobCommand {

    @Option(
            names = "--out",
            defaultValue = DemoJob.OUT_DEFAULT,
            paramLabel = "DIR",
            description = "Run directory (default: ${DEFAULT-VALUE}).")
    String out;

    @Option(
            names = "--names",
            paramLabel = "FILE",
            description = "The names, one per line (default: names.txt under $HEADWISE_DATASETS_DIR, else datasets/).")
    Path names;

    @Override
    void run(JobContext context) throws Exception {
        new DemoJob(DemoJob.Options.builder().out(out).names(names).build()).run(context);
    }
}
