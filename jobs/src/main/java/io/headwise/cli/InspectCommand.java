package io.headwise.cli;

import io.headwise.jobs.InspectJob;
import io.headwise.jobs.JobContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "inspect",
        mixinStandardHelpOptions = true,
        description = "One text through one model, no corpus needed: tokens, next token, per-head statistics.")
final class InspectCommand extends JobCommand {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "MODEL_DIR",
            description = "Model directory (config.json, model.safetensors, tokenizer.json).")
    Path model;

    @Option(
            names = "--text",
            required = true,
            paramLabel = "TEXT",
            description = "The text; for a char-level model a name, with or without its `.` delimiters.")
    String text;

    @Option(
            names = "--format",
            defaultValue = InspectJob.FORMAT_DEFAULT,
            paramLabel = "table|json",
            description = "Output format (default: ${DEFAULT-VALUE}).")
    String format;

    @Option(
            names = "--out",
            paramLabel = "FILE.html",
            description = "Also write the text's part of the HTML report (see `report`) to this file.")
    Path out;

    @Option(
            names = "--intervene",
            paramLabel = "SPEC",
            description = "Also run the text under this intervention, e.g. \"zero 1.2\" or \"merge 0.1+2@1\""
                    + " (repeatable; mean ablation uses z̄ over this text's positions).")
    List<String> intervene = new ArrayList<>();

    @Option(
            names = "--explain",
            description = "Also explain each prediction: the keys that matter most by grad_rollout and by"
                    + " gradient x input, and the logit lens of every layer and position (with --format json:"
                    + " rollout, grad_rollout, value_weighted, output_norm, logit_lens).")
    boolean explain;

    @Option(
            names = "--explain-top",
            paramLabel = "K",
            description = "With --explain: how many keys to list per prediction (default: "
                    + InspectJob.EXPLAIN_TOP_DEFAULT
                    + ").")
    Integer explainTop;

    @Override
    boolean needsSpark() {
        return false;
    }

    @Override
    void run(JobContext context) {
        new InspectJob(InspectJob.Options.builder()
                        .model(model)
                        .text(text)
                        .format(format)
                        .out(out)
                        .intervene(intervene)
                        .explain(explain)
                        .explainTop(explainTop)
                        .build())
                .run(context);
    }
}
