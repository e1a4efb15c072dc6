package org.jcontrast.cli;

import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Progress as one bar over all steps of the run (progressbar shows the fraction, elapsed time and
 * ETA), with the epoch, loss and samples/s beside it; epoch summaries are printed above the bar.
 */
final class BarProgress implements Progress {
    /** ANSI: carriage return and erase the line, so a summary replaces the bar's line. */
    private static final String CLEAR_LINE = "\r\u001b[2K";
    private final int epochs;
    private final PrintStream out;
    private final ProgressBar bar;
    private final long start = System.nanoTime();
    private long samplesDone;

    BarProgress(String task, int epochs, int stepsPerEpoch, PrintStream out) {
        this.epochs = epochs;
        this.out = out;
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax((long) epochs * stepsPerEpoch)
                .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUpdateIntervalMillis(250)
                .setConsumer(new ConsoleProgressBarConsumer(out)).build();
    }

    @Override
    public void step(int epoch, int step, double loss, int samples) {
        samplesDone += samples;
        double elapsed = (System.nanoTime() - start) / 1e9;
        bar.setExtraMessage(String.format(Locale.ROOT, "epoch %d/%d loss %.4f %.0f samples/s", epoch + 1, epochs,
                loss, samplesDone / Math.max(elapsed, 1e-9)));
        bar.step();
    }

    @Override
    public void epoch(int epoch, String summary) {
        out.println(CLEAR_LINE + "epoch " + (epoch + 1) + "/" + epochs + ": " + summary);
    }

    @Override
    public void close() {
        bar.close();
    }
}
