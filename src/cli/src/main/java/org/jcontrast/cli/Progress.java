package org.jcontrast.cli;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * Reports a training run as it goes: a progress bar on a terminal, plain log lines otherwise
 * (pipes, files, CI), so logs stay readable. The training loop calls {@link #step} after every
 * optimiser step and {@link #epoch} after every epoch.
 */
interface Progress extends AutoCloseable {
    /** Columns assumed when the terminal does not say. */
    int DEFAULT_WIDTH = 80;

    /**
     * One optimiser step done.
     *
     * @param epoch   0-based epoch
     * @param step    0-based step within the epoch
     * @param loss    the step's loss
     * @param samples samples the step processed (the batch size)
     */
    void step(int epoch, int step, double loss, int samples);

    /** An epoch is over; {@code summary} is one line such as "loss 4.21, kNN 0.78". */
    void epoch(int epoch, String summary);

    /** Ends the display, leaving the cursor on a fresh line; calling it again does nothing. */
    @Override
    void close();

    /**
     * A bar when {@code out} is the standard output of an interactive terminal, log lines
     * otherwise; {@code stepsDone} steps of the run were done before (a resumed run).
     */
    static Progress create(String task, int epochs, int stepsPerEpoch, long stepsDone, PrintStream out) {
        boolean terminal = out == System.out && isTerminal(System.console(), System.getenv("TERM"));
        return terminal ? new BarProgress(task, epochs, stepsPerEpoch, stepsDone, terminalWidth(), out, System::nanoTime)
                : new LogProgress(task, epochs, stepsPerEpoch, stepsDone, out, System::nanoTime,
                        LogProgress.INTERVAL_NANOS);
    }

    /** Columns of the terminal, read once through JLine; 80 when it cannot tell. */
    private static int terminalWidth() {
        try (Terminal t = TerminalBuilder.builder().system(true).dumb(true).build()) {
            return t.getWidth() > 0 ? t.getWidth() : DEFAULT_WIDTH;
        } catch (IOException | RuntimeException e) {
            return DEFAULT_WIDTH;
        }
    }

    /**
     * True when a console is attached to a terminal whose {@code TERM} is not {@code dumb}. Since
     * JDK 22 {@link System#console()} may return a console even when output is redirected, so
     * {@link Console#isTerminal()} decides.
     */
    static boolean isTerminal(Console console, String term) {
        return console != null && console.isTerminal() && !"dumb".equals(term);
    }

    /** "h:mm:ss" for a number of seconds (rounded down); "?" when unknown. */
    static String duration(double seconds) {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            return "?";
        }
        long s = (long) seconds;
        return String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
}
