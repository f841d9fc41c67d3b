package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.TrainJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Trains a GPT-2 model on a tokens table into a model directory (best held-out checkpoint, curve.csv).")
final class TrainCommand extends JobCommand {

    @Mixin
    TrainJob.Options options;

    @Override
    void run(JobContext context) throws Exception {
        TrainJob.run(context, options);
    }
}
