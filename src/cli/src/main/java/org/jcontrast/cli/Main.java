package org.jcontrast.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the {@code jcontrast} command line. */
@Command(name = "jcontrast", mixinStandardHelpOptions = true, version = "jcontrast 0.1.0",
        description = "Contrastive representation learning in pure Java.",
        subcommands = {InfoCommand.class, TrainCommand.class, SweepCommand.class, BenchCommand.class, LossCommand.class,
                GradcheckCommand.class, MetricsCommand.class})
public final class Main {
    private static final String LOG_FORMAT = "java.util.logging.SimpleFormatter.format";

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) {
        // The library logs through System.Logger; on the console each record is one line
        // ("INFO: jcontrast computes ..."), not java.util.logging's two-line default with a date.
        if (System.getProperty(LOG_FORMAT) == null) {
            System.setProperty(LOG_FORMAT, "%4$s: %5$s%6$s%n");
        }
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit status; errors become one line on stderr. */
    public static int run(String... args) {
        return execute(new CommandLine(new Main()), args);
    }

    /** Runs {@code cli} on {@code args} with the error handling of {@link #run}; a seam for the tests. */
    static int execute(CommandLine cli, String... args) {
        // A mistyped option is one line too, naming the command and where to read about it.
        cli.setParameterExceptionHandler((e, rest) -> {
            String name = e.getCommandLine().getCommandSpec().qualifiedName();
            e.getCommandLine().getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + UserErrors.message(e));
            if (Boolean.getBoolean("jcontrast.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 2;
        });
        try {
            return cli.execute(args);
        } catch (OutOfMemoryError e) {
            // picocli hands on errors; the arrays are unreachable by now, so printing works.
            cli.getErr().println(commandName(cli) + ": " + HeapBudget.outOfMemory());
            return 2;
        }
    }

    /** The qualified name of the (sub)command the arguments chose, e.g. "jcontrast bench loss". */
    private static String commandName(CommandLine cli) {
        CommandLine.ParseResult r = cli.getParseResult();
        while (r != null && r.subcommand() != null) {
            r = r.subcommand();
        }
        return (r == null ? cli : r.commandSpec().commandLine()).getCommandSpec().qualifiedName();
    }
}
