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
        CommandLine cli = new CommandLine(new Main());
        // A mistyped option is one line too, naming the command and where to read about it.
        cli.setParameterExceptionHandler((e, rest) -> {
            String name = e.getCommandLine().getCommandSpec().qualifiedName();
            e.getCommandLine().getErr().println(name + ": " + e.getMessage() + " (see " + name + " --help)");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("jcontrast " + cmd.getCommandName() + ": " + UserErrors.message(e));
            if (Boolean.getBoolean("jcontrast.debug")) {
                e.printStackTrace(cmd.getErr());
            }
            return 2;
        });
        return cli.execute(args);
    }
}
