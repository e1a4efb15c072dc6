package org.jcontrast.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Progress as one line redrawn in place: the task, a bar over all steps of the run, the percentage,
 * epoch, loss, samples/s and ETA, laid out to the terminal's width. When the line is too narrow for
 * all of them, the least useful parts go first (samples/s, then the epoch) so the bar keeps at least
 * {@link #MIN_BAR} cells and no part is cut mid-word. Epoch summaries replace the bar's line; the bar
 * is drawn again by the next step only, so nothing stale is left below the last summary.
 */
final class BarProgress implements Progress {
    /** ANSI: carriage return and erase the line. */
    private static final String CLEAR_LINE = "\r\u001b[2K";
    /** Cells the bar keeps before parts of the text are dropped. */
    static final int MIN_BAR = 10;
    private static final long REDRAW_NANOS = 250_000_000L;
    private final String task;
    private final int epochs;
    private final int width;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long start;
    private final long total;
    private final Eta eta;
    private long samplesDone;
    private long lastDraw;
    private boolean onScreen;

    BarProgress(String task, int epochs, int stepsPerEpoch, long stepsDone, int width, PrintStream out,
                LongSupplier clock) {
        this.task = task;
        this.epochs = epochs;
        this.width = width;
        this.out = out;
        this.clock = clock;
        this.start = clock.getAsLong();
        this.lastDraw = start - REDRAW_NANOS; // the first step draws
        this.total = (long) epochs * stepsPerEpoch;
        this.eta = new Eta(total, stepsDone);
    }

    @Override
    public void step(int epoch, int step, double loss, int samples) {
        samplesDone += samples;
        long now = clock.getAsLong();
        eta.step(now);
        if (now - lastDraw < REDRAW_NANOS && eta.done() < total) {
            return;
        }
        lastDraw = now;
        double rate = samplesDone / Math.max((now - start) / 1e9, 1e-9);
        // Most important first: the parts at the end go first when the line is narrow.
        out.print("\r" + line(task, (double) eta.done() / total, List.of(
                new Part(0, String.format(Locale.ROOT, "%.0f%%", 100.0 * eta.done() / total)),
                new Part(2, String.format(Locale.ROOT, "loss %.4f", loss)),
                new Part(4, "ETA " + Progress.duration(eta.secondsLeft(now))),
                new Part(1, "epoch " + (epoch + 1) + "/" + epochs),
                new Part(3, String.format(Locale.ROOT, "%.0f samples/s", rate))), width) + "\u001b[K");
        out.flush();
        onScreen = true;
    }

    /** A piece of text beside the bar and its place from the left. */
    record Part(int position, String text) {
    }

    /**
     * The bar's line, at most {@code width − 1} columns (the last column would wrap on some
     * terminals): {@code task [████░░░░] parts...}, the parts in order of position, dropped from the
     * end of {@code parts} (given most important first) while the bar would be narrower than
     * {@link #MIN_BAR}.
     */
    static String line(String task, double fraction, List<Part> parts, int width) {
        List<Part> shown = new ArrayList<>(parts);
        while (true) {
            String text = shown.stream().sorted(Comparator.comparingInt(Part::position)).map(Part::text)
                    .collect(Collectors.joining("  "));
            int cells = width - 1 - task.length() - text.length() - 4; // two spaces and the two brackets
            if (cells >= MIN_BAR || shown.size() <= 1) {
                int full = (int) Math.round(Math.min(1, Math.max(0, fraction)) * Math.max(0, cells));
                String bar = cells <= 0 ? "" : "[" + "█".repeat(full) + "░".repeat(cells - full) + "] ";
                String result = task + " " + bar + text;
                return result.length() < width ? result : result.substring(0, Math.max(0, width - 1));
            }
            shown.remove(shown.size() - 1);
        }
    }

    @Override
    public void epoch(int epoch, String summary) {
        out.println(CLEAR_LINE + "epoch " + (epoch + 1) + "/" + epochs + ": " + summary);
        onScreen = false;
    }

    /** Ends the bar's line, if one is on screen, so that what follows starts on its own; safe to call twice. */
    @Override
    public void close() {
        if (onScreen) {
            out.println();
            onScreen = false;
        }
        out.flush();
    }
}
