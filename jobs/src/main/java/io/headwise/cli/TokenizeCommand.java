package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.TokenizeJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "tokenize",
        mixinStandardHelpOptions = true,
        description =
                "Corpus (lines, MediaWiki XML dumps, text) to the tokens table, cut into samples; unusable records to rejects.")
final class TokenizeCommand extends JobCommand {

    @Mixin
    CorpusFlags corpus;

    @Option(
            names = "--tokenizer",
            required = true,
            paramLabel = "char|PATH",
            description =
                    "char (a char-level vocabulary built from the corpus, lines only), a tokenizer.json, or a model directory holding one.")
    String tokenizer;

    @Option(
            names = "--block-size",
            defaultValue = "" + TokenizeJob.BLOCK_SIZE_DEFAULT,
            paramLabel = "N",
            description = "Most tokens per sample, separator included (default: ${DEFAULT-VALUE}).")
    int blockSize;

    @Option(
            names = "--stride",
            defaultValue = "" + TokenizeJob.STRIDE_DEFAULT,
            paramLabel = "N",
            description = "Document tokens between the starts of consecutive samples; 0 (default) for no overlap.")
    int stride;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "DIR",
            description = "Run directory to write tokens and rejects into.")
    String out;

    @Override
    void run(JobContext context) {
        new TokenizeJob(TokenizeJob.Options.builder()
                        .corpus(corpus.options())
                        .tokenizer(tokenizer)
                        .blockSize(blockSize)
                        .stride(stride)
                        .out(out)
                        .build())
                .run(context);
    }
}
