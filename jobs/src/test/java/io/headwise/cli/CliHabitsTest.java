package io.headwise.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.headwise.testing.CliRun;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** What every command line offers: examples in its help, a completion script, suggestions for typos. */
class CliHabitsTest {

    private static final PrintStream NOWHERE = new PrintStream(OutputStream.nullOutputStream());

    @Test
    void everyHelpEndsWithExamplesThatParse() {
        CommandLine root = Headwise.commandLine(NOWHERE, NOWHERE);
        List<String> names = new ArrayList<>(List.of(""));
        names.addAll(root.getSubcommands().keySet());
        assertThat(names).contains("completion", "train", "extract", "demo");
        for (String name : names) {
            CliRun help = name.isEmpty() ? CliRun.withoutSpark("--help") : CliRun.withoutSpark(name, "--help");
            assertThat(help.exitCode()).as(name).isZero();
            List<String> lines = help.out().strip().lines().toList();
            int heading = lines.lastIndexOf("Examples:");
            assertThat(heading).as("'%s --help' has examples", name).isPositive();
            assertThat(lines.indexOf("Examples:"))
                    .as("'%s --help' has them once", name)
                    .isEqualTo(heading);
            List<String> examples = lines.subList(heading + 1, lines.size());
            assertThat(examples).as("'%s --help' examples", name).hasSizeBetween(1, 2);
            for (String example : examples) {
                String command = example.strip().startsWith("source <(")
                        ? example.strip()
                                .substring("source <(".length(), example.strip().length() - 1)
                        : example.strip();
                assertThat(command).as(name).startsWith("./headwise " + name);
                List<String> args = words(command.substring("./headwise ".length()));
                // Parsed by a fresh command line: every option and value must be valid.
                CommandLine.ParseResult parsed =
                        Headwise.commandLine(NOWHERE, NOWHERE).parseArgs(args.toArray(new String[0]));
                if (!name.isEmpty()) {
                    assertThat(parsed.subcommand().commandSpec().name()).isEqualTo(name);
                }
            }
        }
    }

    /** Shell words: quotes group and are removed; a redirection ends the command. */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        char quote = 0;
        boolean inWord = false;
        for (char c : line.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inWord = true;
            } else if (c == ' ') {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else if (c == '>' && !inWord) {
                return words;
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (inWord) {
            words.add(word.toString());
        }
        return words;
    }

    @Test
    void completionPrintsABashScriptForEveryJobAndOption() {
        CliRun run = CliRun.withoutSpark("completion");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .startsWith("#!/usr/bin/env bash")
                .contains("complete -F _complete_headwise")
                .contains("bashcompinit"); // zsh loads it through bash's completion emulation
        for (String job :
                Headwise.commandLine(NOWHERE, NOWHERE).getSubcommands().keySet()) {
            assertThat(run.out()).as(job).contains(job);
        }
        assertThat(run.out())
                .contains("--patterns")
                .contains("--shuffle-buffer")
                .contains("--quiet");
    }

    @Test
    void aMistypedJobOrOptionGetsTheNearestValidOne() {
        assertBad(
                CliRun.withoutSpark("extrct"),
                "headwise: unknown job 'extrct'; did you mean 'extract'? (see ./headwise --help)");
        assertBad(
                CliRun.withoutSpark("trian"),
                "headwise: unknown job 'trian'; did you mean 'train'? (see ./headwise --help)");
        assertBad(
                CliRun.withoutSpark("inspect", "--model", "m", "--text", "a", "--fromat", "json"),
                "headwise inspect: Unknown options: '--fromat', 'json'; did you mean --format? (see ./headwise inspect --help)");
        assertBad(
                CliRun.withoutSpark("extract", "--patern=all"),
                "headwise extract: Unknown option: '--patern=all'; did you mean --patterns? (see ./headwise extract --help)");
        // A typo in a required option: picocli would only say the option is missing.
        assertBad(
                CliRun.withoutSpark("inspect", "--modle", "m", "--text", "a"),
                "headwise inspect: Unknown option: '--modle'; did you mean --model? (see ./headwise inspect --help)");
        // Nothing near: no guess.
        assertBad(CliRun.withoutSpark("frobnicate"), "headwise: unknown job 'frobnicate' (see ./headwise --help)");
    }

    @Test
    void nearestAllowsTyposNotOtherWords() {
        Set<String> jobs =
                Headwise.commandLine(NOWHERE, NOWHERE).getSubcommands().keySet();
        assertThat(Suggestions.nearest("smaple", jobs)).contains("sample");
        assertThat(Suggestions.nearest("sumarize", jobs)).contains("summarize");
        assertThat(Suggestions.nearest("train-tokeniser", jobs)).contains("train-tokenizer");
        assertThat(Suggestions.nearest("report", jobs)).isEmpty(); // already valid: nothing to suggest
        assertThat(Suggestions.nearest("plot", jobs)).isEmpty();
        assertThat(Suggestions.distance("ab", "ba")).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }

    private static void assertBad(CliRun run, String line) {
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo(line);
    }
}
