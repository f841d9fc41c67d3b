package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.SampleJob;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "sample",
        mixinStandardHelpOptions = true,
        description = "Generates text from a model: names, one per line, for a char-level model.")
final class SampleCommand extends JobCommand {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "MODEL_DIR",
            description = "Model directory (config.json, model.safetensors, tokenizer.json).")
    Path model;

    @Option(
            names = "--n",
            defaultValue = "" + SampleJob.N_DEFAULT,
            description = "Samples to generate (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(
            names = "--prompt",
            defaultValue = "",
            paramLabel = "TEXT",
            description = "Text every sample starts with (a name's first letters for a char-level model).")
    String prompt;

    @Option(
            names = "--temperature",
            defaultValue = "" + SampleJob.TEMPERATURE_DEFAULT,
            description = "Softmax temperature (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(
            names = "--top-k",
            defaultValue = "0",
            paramLabel = "K",
            description = "Draw only from the K most likely tokens; 0 = all (default).")
    int topK;

    @Option(
            names = "--seed",
            defaultValue = "" + SampleJob.SEED_DEFAULT,
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    boolean needsSpark() {
        return false;
    }

    @Override
    void run(JobContext context) {
        new SampleJob(SampleJob.Options.builder()
                        .model(model)
                        .n(n)
                        .prompt(prompt)
                        .temperature(temperature)
                        .topK(topK)
                        .seed(seed)
                        .build())
                .run(context);
    }
}
