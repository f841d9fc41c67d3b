package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.TrainTokenizerJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
        name = "train-tokenizer",
        mixinStandardHelpOptions = true,
        description = "Distributed byte-level BPE (GPT-2 style) on a corpus; writes a Hugging Face tokenizer.json.")
final class TrainTokenizerCommand extends JobCommand {

    @Mixin
    TrainTokenizerJob.Options options;

    @Override
    void run(JobContext context) {
        TrainTokenizerJob.run(context, options);
    }
}
