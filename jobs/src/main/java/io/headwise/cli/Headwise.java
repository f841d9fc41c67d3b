package io.headwise.cli;

import io.headwise.jobs.Sessions;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./headwise JOB [options]}: the one entry point of every job. */
@Command(
        name = "headwise",
        mixinStandardHelpOptions = true,
        versionProvider = Headwise.Version.class,
        description = "Attention, gradient and activation analysis of GPT-2 models as Spark batch jobs.",
        footer = {
            "",
            "Run `./headwise JOB --help` for the options of a job. Exit codes: 0 ok, 2 bad usage or input, 1 other errors."
        },
        commandListHeading = "%nJobs:%n")
public final class Headwise implements Runnable {

    /** The jobs, in pipeline order; {@code --help} lists them in this order. */
    static final List<Class<?>> COMMANDS = List.of(
            TokenizeCommand.class,
            TrainTokenizerCommand.class,
            TrainCommand.class,
            SampleCommand.class,
            ExtractCommand.class,
            ProbeCommand.class,
            SummarizeCommand.class,
            AblateCommand.class,
            SqlCommand.class,
            InspectCommand.class,
            ReportCommand.class,
            DemoCommand.class,
            CompletionCommand.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = execute(System.out, System.err, args);
        try {
            Sessions.stopOnExit();
        } catch (RuntimeException e) {
            // The job's outcome is decided; a failure to stop Spark must not change its exit code.
            System.err.println("headwise: stopping Spark failed: " + e);
        }
        System.exit(code);
    }

    /** Runs the command line {@code args}; returns the exit code. */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine cli = commandLine(out, err);
        return cli.execute(args);
    }

    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Headwise());
        for (Class<?> command : COMMANDS) {
            cli.addSubcommand(command);
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(Headwise::badUsage);
        cli.setExecutionExceptionHandler(new Failures(err));
        HelpExamples.addTo(cli);
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Unknown job or option, missing or malformed value: one line and exit code 2. A mistyped job
     * or option gets the nearest valid one as a suggestion.
     */
    private static int badUsage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        String name = cmd.getCommandName();
        String where = name.equals("headwise") ? "headwise" : "headwise " + name;
        String message = ex.getMessage();
        // A mistyped required option is reported by picocli as missing; the typo is the news.
        List<String> unmatched = ex instanceof CommandLine.UnmatchedArgumentException u
                ? u.getUnmatched()
                : cmd.getParseResult() == null
                        ? List.of()
                        : cmd.getParseResult().unmatched();
        if (!(ex instanceof CommandLine.UnmatchedArgumentException) && !unmatched.isEmpty()) {
            message = "Unknown option: '" + unmatched.get(0) + "'";
        }
        if (!unmatched.isEmpty()) {
            String typed = unmatched.get(0);
            boolean job = name.equals("headwise") && !cmd.getParseResult().hasSubcommand() && !typed.startsWith("-");
            if (job) {
                message = "unknown job '" + typed + "'";
            }
            String word = typed.contains("=") ? typed.substring(0, typed.indexOf('=')) : typed;
            var candidates = job
                    ? cmd.getSubcommands().keySet()
                    : word.startsWith("-") ? cmd.getCommandSpec().optionsMap().keySet() : java.util.Set.<String>of();
            var nearest = Suggestions.nearest(word, candidates);
            if (nearest.isPresent()) {
                message += "; did you mean " + (job ? "'" + nearest.get() + "'" : nearest.get()) + "?";
            }
        }
        cmd.getErr().printf("%s: %s (see ./%s --help)%n", where, message, where);
        if (Arrays.asList(args).contains("--verbose")) {
            ex.printStackTrace(cmd.getErr());
        }
        return 2;
    }

    /** The version of the code, from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"headwise " + io.headwise.jobs.RunManifest.CODE_VERSION};
        }
    }
}
