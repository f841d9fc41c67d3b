package io.headwise.cli;

import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./headwise completion}: a bash/zsh completion script for every job and option, made by
 * picocli's generator from the same command model the CLI parses with.
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Prints a bash/zsh completion script for the jobs and their options.",
            "Load it in the current shell with: source <(./headwise completion)",
            "(zsh: the script runs bashcompinit itself)."
        })
final class CompletionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        CommandLine root = spec.root().commandLine();
        String script = AutoComplete.bash(root.getCommandName(), root);
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
    }
}
