package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.TrainTokenizerJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "train-tokenizer",
        mixinStandardHelpOptions = true,
        description = "Distributed byte-level BPE (GPT-2 style) on a corpus; writes a Hugging Face tokenizer.json.")
final class TrainTokenizerCommand extends JobCommand {

    @Mixin
    CorpusFlags corpus;

    @Option(
            names = "--vocab-size",
            defaultValue = "" + TrainTokenizerJob.VOCAB_SIZE_DEFAULT,
            paramLabel = "N",
            description =
                    "Ids in the vocabulary, everything counted: 256 bytes, merges and <|endoftext|> (default: ${DEFAULT-VALUE}).")
    int vocabSize;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "PATH/tokenizer.json",
            description = "Where to write the tokenizer; a directory gets tokenizer.json inside it.")
    String out;

    @Override
    void run(JobContext context) {
        new TrainTokenizerJob(TrainTokenizerJob.Options.builder()
                        .corpus(corpus.options())
                        .vocabSize(vocabSize)
                        .out(out)
                        .build())
                .run(context);
    }
}
