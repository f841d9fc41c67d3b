package io.headwise.cli;

import io.headwise.jobs.AblateJob;
import io.headwise.jobs.JobContext;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
        name = "ablate",
        mixinStandardHelpOptions = true,
        description =
                "Interventions on heads (zero, mean, merge, joint) over a tokens table → head_ablation, ablation_deltas (--per-sample), rejects.")
final class AblateCommand extends JobCommand {

    @Mixin
    ModelRunFlags run;

    @Option(names = "--sweep", paramLabel = "zero|mean", description = "Every single-head zero (or mean) ablation.")
    String sweep;

    @Option(
            names = "--intervene",
            paramLabel = "SPEC",
            description = "An intervention, e.g. \"merge 0.1+2@0.5\" or \"zero 1.2 & zero 0.3\" (repeatable).")
    List<String> intervene = new ArrayList<>();

    @Option(
            names = "--samples",
            defaultValue = AblateJob.SAMPLES_DEFAULT,
            paramLabel = "all|FRACTION|ids:1,2,3",
            description = "Samples to analyse (default: ${DEFAULT-VALUE}).")
    String samples;

    @Option(names = "--per-sample", description = "Also write ablation_deltas (one row per sample × intervention).")
    boolean perSample;

    @Option(
            names = "--batch-size",
            defaultValue = "" + AblateJob.BATCH_SIZE_DEFAULT,
            paramLabel = "N",
            description = "Samples per model pass, each under every intervention (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--overwrite", description = "Replace existing output tables.")
    boolean overwrite;

    @Override
    void run(JobContext context) {
        new AblateJob(AblateJob.Options.builder()
                        .model(run.model)
                        .tokens(run.tokens)
                        .out(run.out)
                        .sweep(sweep)
                        .intervene(intervene)
                        .samples(samples)
                        .perSample(perSample)
                        .batchSize(batchSize)
                        .overwrite(overwrite)
                        .build())
                .run(context);
    }
}
