package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.TrainJob;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description =
                "Trains a GPT-2 model on a tokens table into a model directory (best held-out checkpoint, curve.csv).")
final class TrainCommand extends JobCommand {

    @Option(
            names = "--tokens",
            required = true,
            paramLabel = "DIR",
            description = "Run directory with the tokens table (or the table itself) and its tokenizer.json.")
    String tokens;

    @Option(names = "--out", required = true, paramLabel = "MODEL_DIR", description = "Model directory to write.")
    Path out;

    @Option(
            names = "--preset",
            paramLabel = "NAME",
            description = "conf/presets/NAME.properties: names-makemore, names-demo, wiki-bpe.")
    String preset;

    @Option(names = "--layers", description = "Blocks (default 4).")
    Integer layers;

    @Option(names = "--heads", description = "Heads per block (default 4).")
    Integer heads;

    @Option(names = "--embd", description = "Width of the residual stream (default 64).")
    Integer embd;

    @Option(names = "--block-size", description = "Context length n_positions (default: the longest sample).")
    Integer blockSize;

    @Option(names = "--steps", description = "Optimiser steps in the whole run (default 5000).")
    Integer steps;

    @Option(names = "--batch-size", description = "Samples per step (default 64).")
    Integer batchSize;

    @Option(names = "--lr", description = "Peak learning rate (default 1e-3).")
    Double lr;

    @Option(names = "--min-lr", description = "Learning rate at the end of the cosine decay (default lr/10).")
    Double minLr;

    @Option(
            names = "--warmup",
            description = "Linear warm-up steps (default 100); 0 and --min-lr equal to --lr give a constant rate.")
    Integer warmup;

    @Option(names = "--weight-decay", description = "AdamW weight decay on matrices and embeddings (default 0.01).")
    Double weightDecay;

    @Option(
            names = "--tie-word-embeddings",
            arity = "1",
            paramLabel = "true|false",
            description =
                    "Whether the LM head reuses wte (GPT-2) or has its own lm_head.weight (makemore) (default true).")
    Boolean tieWordEmbeddings;

    @Option(
            names = "--init",
            paramLabel = "gpt2|pytorch",
            description =
                    "Initial weights: gpt2 (N(0, 0.02), GPT-2 and nanoGPT) or pytorch (PyTorch's module defaults, as makemore) (default gpt2).")
    String init;

    @Option(
            names = "--ema",
            paramLabel = "DECAY",
            description =
                    "Keep an exponential moving average of the weights with this decay (e.g. 0.999) and evaluate and save it instead of the trained weights; 0 = off (default 0).")
    Double ema;

    @Option(names = "--dropout", description = "Dropout probability (default 0).")
    Double dropout;

    @Option(names = "--grad-clip", description = "Largest global gradient norm, 0 = off (default 1.0).")
    Double gradClip;

    @Option(names = "--seed", description = "Seeds initialisation, batches and dropout (default 1337).")
    Long seed;

    @Option(
            names = "--test-fraction",
            description = "Held-out fraction of the samples (default 0.1; at most 1,000 for char-level corpora).")
    Double testFraction;

    @Option(names = "--eval-interval", description = "Evaluate and maybe save every N steps (default 250).")
    Integer evalInterval;

    @Option(names = "--eval-batches", description = "Batches per split in an evaluation (default 16).")
    Integer evalBatches;

    @Option(
            names = "--stream",
            description =
                    "Stream the samples from the table through a shuffle buffer instead of holding them in driver memory (automatic when they would not fit).")
    boolean stream;

    @Option(
            names = "--shuffle-buffer",
            paramLabel = "N",
            description =
                    "Samples the shuffle buffer of a streamed run holds (default 100,000; fewer when they would not fit).")
    Integer shuffleBuffer;

    @Option(names = "--resume", description = "Continue training MODEL_DIR from its checkpoint.")
    boolean resume;

    @Option(names = "--overwrite", description = "Replace an existing MODEL_DIR.")
    boolean overwrite;

    @Override
    void run(JobContext context) throws Exception {
        new TrainJob(TrainJob.Options.builder()
                        .tokens(tokens)
                        .out(out)
                        .preset(preset)
                        .layers(layers)
                        .heads(heads)
                        .embd(embd)
                        .blockSize(blockSize)
                        .steps(steps)
                        .batchSize(batchSize)
                        .lr(lr)
                        .minLr(minLr)
                        .warmup(warmup)
                        .weightDecay(weightDecay)
                        .tieWordEmbeddings(tieWordEmbeddings)
                        .init(init)
                        .ema(ema)
                        .dropout(dropout)
                        .gradClip(gradClip)
                        .seed(seed)
                        .testFraction(testFraction)
                        .evalInterval(evalInterval)
                        .evalBatches(evalBatches)
                        .stream(stream)
                        .shuffleBuffer(shuffleBuffer)
                        .resume(resume)
                        .overwrite(overwrite)
                        .build())
                .run(context);
    }
}
