package io.headwise.jobs;

import io.headwise.spark.Schemas;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/** The command lines of {@code tokenize → extract → probe → summarize} on names, run elsewhere and compared. */
final class NamesPipeline {

    private NamesPipeline() {}

    /**
     * The four jobs, all writing into {@code out}.
     *
     * @param input a names file (any Hadoop URI)
     * @param model the model directory (any Hadoop URI) of tokenize and extract
     * @param probeModel the same model directory as a local path: probe reads it with local file I/O
     */
    static List<String[]> jobs(String input, String model, Path probeModel, String out) {
        return List.of(
                new String[] {"tokenize", "--input", input, "--format", "lines", "--tokenizer", model, "--out", out},
                new String[] {
                    "extract",
                    "--model",
                    model,
                    "--tokens",
                    out,
                    "--out",
                    out,
                    "--patterns",
                    "0.3",
                    "--batch-size",
                    "16"
                },
                new String[] {
                    "probe", "--model", probeModel.toString(), "--out", out, "--seed", "7", "--n-sequences", "64"
                },
                new String[] {"summarize", "--tables", out});
    }

    /** The tables a run directory holds: every table these jobs write but run_manifest, whose times differ. */
    static List<String> tables(SparkSession spark, String runDir) {
        List<String> all = new ArrayList<>();
        for (String table : Stream.concat(
                        Stream.of(Schemas.TOKENS),
                        Stream.concat(
                                ExtractJob.TABLES.stream(),
                                Stream.of(Schemas.HEAD_PROBES, Schemas.HEAD_SUMMARY, Schemas.LAYER_SUMMARY)))
                .distinct()
                .toList()) {
            if (Tables.readIfPresent(spark, runDir, table) != null) {
                all.add(table);
            }
        }
        return all;
    }
}
