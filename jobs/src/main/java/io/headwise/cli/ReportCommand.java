package io.headwise.cli;

import io.headwise.jobs.JobContext;
import io.headwise.jobs.ReportJob;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "One self-contained HTML report (works offline): model, texts through the model, corpus-level head tables, embeddings, training curve.")
final class ReportCommand extends JobCommand {

    @Option(
            names = "--tables",
            required = true,
            paramLabel = "DIR",
            description =
                    "Run directory with head_summary, head_probes, head_distances (missing ones are shown as not computed).")
    String tables;

    @Option(
            names = "--model",
            required = true,
            paramLabel = "MODEL_DIR",
            description =
                    "Model directory (config.json, model.safetensors, tokenizer.json; curve.csv if trained by headwise).")
    Path model;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "report.html",
            description = "The HTML file to write (replaced if it exists).")
    Path out;

    @Option(
            names = "--text",
            paramLabel = "TEXT",
            description = "A text to show through the model; repeatable (default: " + ReportJob.NAMES_TEXT_DEFAULT
                    + " for names models).")
    List<String> texts = new ArrayList<>();

    @Override
    void run(JobContext context) {
        new ReportJob(ReportJob.Options.builder()
                        .tables(tables)
                        .model(model)
                        .out(out)
                        .texts(texts)
                        .build())
                .run(context);
    }
}
