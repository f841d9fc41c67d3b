package io.headwise.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;

/**
 * The examples every {@code --help} ends with: command lines from the README's tour and the jobs
 * reference (docs/jobs.md), run from the repository's root after {@code ./headwise demo}. Kept here, in one place,
 * so that a test can parse each of them against the options it documents.
 */
final class HelpExamples {

    private HelpExamples() {}

    /** Job name (the empty string for {@code headwise} itself) → its examples, arguments after {@code ./headwise}. */
    static final Map<String, List<String>> EXAMPLES = Map.ofEntries(
            Map.entry("", List.of("demo", "inspect --model udfs/src/test/resources/gpt2-tiny --text muhamadibrahim")),
            Map.entry(
                    "tokenize",
                    List.of(
                            "tokenize --input datasets/names.txt --format lines --tokenizer char --out runs/names",
                            "tokenize --input 'datasets/wiki/enwiki-*.bz2' --format wiki"
                                    + " --tokenizer runs/wiki/tokenizer.json --block-size 128 --out runs/wiki")),
            Map.entry(
                    "train-tokenizer",
                    List.of("train-tokenizer --input 'datasets/wiki/enwiki-*.bz2' --format wiki"
                            + " --out runs/wiki/tokenizer.json")),
            Map.entry(
                    "train",
                    List.of(
                            "train --tokens runs/names --out models/names --preset names-makemore",
                            "train --tokens runs/names --out models/names --resume --steps 60000")),
            Map.entry(
                    "sample",
                    List.of(
                            "sample --model runs/demo/model --n 20 --seed 1337",
                            "sample --model runs/demo/model --prompt em --temperature 0.8")),
            Map.entry(
                    "extract",
                    List.of("extract --model runs/demo/model --tokens runs/demo --out runs/demo --patterns all"
                            + " --overwrite")),
            Map.entry("probe", List.of("probe --model runs/demo/model --out runs/demo --overwrite")),
            Map.entry("summarize", List.of("summarize --tables runs/demo --overwrite")),
            Map.entry(
                    "ablate",
                    List.of(
                            "ablate --model runs/demo/model --tokens runs/demo --out runs/demo --sweep zero",
                            "ablate --model runs/demo/model --tokens runs/demo --out runs/demo --overwrite"
                                    + " --intervene \"zero 1.2 & zero 0.3\" --samples 0.1")),
            Map.entry(
                    "sql",
                    List.of(
                            "sql --tables runs/demo --file conf/queries/attention_sink_heads.sql",
                            "sql --tables runs/demo --format csv"
                                    + " \"SELECT layer, head, induction FROM head_summary ORDER BY induction DESC LIMIT 5\"")),
            Map.entry(
                    "inspect",
                    List.of(
                            "inspect --model udfs/src/test/resources/gpt2-tiny --text muhamadibrahim",
                            "inspect --model runs/demo/model --text muhamadibrahim --explain --out one-text.html")),
            Map.entry(
                    "report",
                    List.of("report --tables runs/demo --model runs/demo/model --out runs/demo/report.html"
                            + " --text .muhamadibrahim.")),
            Map.entry("demo", List.of("demo", "demo --out runs/demo2 --quiet")),
            Map.entry(
                    "completion",
                    List.of(
                            "completion > ~/.local/share/bash-completion/completions/headwise",
                            "source <(./headwise completion)")));

    /** The help section the examples go to, after the footer. */
    static final String SECTION = "examples";

    /**
     * Adds an "Examples:" section at the end of the help of {@code cli} and of its jobs. Its lines
     * are printed as they are, never wrapped, so that each one can be copied and run.
     */
    static void addTo(CommandLine cli) {
        add(cli, "");
        cli.getSubcommands().forEach((name, sub) -> add(sub, name));
    }

    private static void add(CommandLine cli, String name) {
        List<String> examples = EXAMPLES.get(name);
        if (examples == null) {
            return;
        }
        StringBuilder section = new StringBuilder("%nExamples:%n".formatted());
        for (String example : examples) {
            section.append("  ")
                    .append(example.startsWith("source ") ? example : "./headwise " + example)
                    .append(System.lineSeparator());
        }
        // Setting the root's keys sets its jobs' too: add the section's key once.
        if (!cli.getHelpSectionKeys().contains(SECTION)) {
            List<String> keys = new ArrayList<>(cli.getHelpSectionKeys());
            keys.add(SECTION);
            cli.setHelpSectionKeys(keys);
        }
        cli.getHelpSectionMap().put(SECTION, help -> section.toString());
    }
}
