package io.headwise.cli;

import io.headwise.jobs.ExtractJob;
import io.headwise.jobs.JobContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "extract",
        mixinStandardHelpOptions = true,
        description =
                "Per-sample attention, gradients and activations of a tokens table → head_stats, token_stats, activations, attention, head_token_mass, rejects.")
final class ExtractCommand extends JobCommand {

    @Mixin
    ModelRunFlags run;

    @Option(
            names = "--patterns",
            paramLabel = "none|all|FRACTION|ids:1,2,3",
            description =
                    "Samples whose attention patterns are written (default: all for a char-level corpus of at most 50,000 samples, else 0.02).")
    String patterns;

    @Option(
            names = "--distances",
            paramLabel = "none|all|FRACTION|ids:1,2,3",
            description =
                    "Samples whose attention rows head_distances compares (default: all for a model of at most 64 heads, else 0.01).")
    String distances;

    @Option(
            names = "--explain",
            paramLabel = "none|all|FRACTION|ids:1,2,3",
            description =
                    "Samples explained: attributions, logit_lens and attention.value_weighted (default: the --patterns selection).")
    String explain;

    @Option(
            names = "--mlp-top-k",
            defaultValue = "" + ExtractJob.MLP_TOP_K_DEFAULT,
            paramLabel = "K",
            description = "MLP neurons kept per position (default: ${DEFAULT-VALUE}).")
    int mlpTopK;

    @Option(
            names = "--batch-size",
            defaultValue = "" + ExtractJob.BATCH_SIZE_DEFAULT,
            paramLabel = "N",
            description = "Samples per model pass (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(
            names = "--device",
            defaultValue = ExtractJob.DEVICE_DEFAULT,
            paramLabel = "auto|cpu|gpu",
            description = "auto: the task's GPU when Spark assigned one, else the CPU (default: ${DEFAULT-VALUE}).")
    String device;

    @Option(
            names = "--no-gradients",
            description = "Skip the backward pass: head_grad, grad_norm and grad_x_input are null.")
    boolean noGradients;

    @Option(names = "--overwrite", description = "Replace existing output tables.")
    boolean overwrite;

    @Override
    void run(JobContext context) {
        new ExtractJob(ExtractJob.Options.builder()
                        .model(run.model)
                        .tokens(run.tokens)
                        .out(run.out)
                        .patterns(patterns)
                        .distances(distances)
                        .explain(explain)
                        .mlpTopK(mlpTopK)
                        .batchSize(batchSize)
                        .device(device)
                        .gradients(!noGradients)
                        .overwrite(overwrite)
                        .build())
                .run(context);
    }
}
