package org.jcontrast.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Progress as plain lines, one every {@link #INTERVAL_NANOS} at most and one at the end of each
 * epoch: "train  epoch 2/10  step 150/469  loss 5.2311  1843 samples/s  ETA 0:12:31". Speed is the
 * average since the first step of this session; the ETA is {@link Eta}'s ("?" until it has one).
 */
final class LogProgress implements Progress {
    /** Ten seconds between routine lines. */
    static final long INTERVAL_NANOS = 10_000_000_000L;
    private final String task;
    private final int epochs;
    private final int stepsPerEpoch;
    private final PrintStream out;
    private final LongSupplier clock;
    private final long interval;
    private final long start;
    private final Eta eta;
    private long lastLine;
    private long samplesDone;

    LogProgress(String task, int epochs, int stepsPerEpoch, long stepsDone, PrintStream out, LongSupplier clock,
                long intervalNanos) {
        this.task = task;
        this.epochs = epochs;
        this.stepsPerEpoch = stepsPerEpoch;
        this.out = out;
        this.clock = clock;
        this.interval = intervalNanos;
        this.start = clock.getAsLong();
        this.lastLine = start;
        this.eta = new Eta((long) epochs * stepsPerEpoch, stepsDone);
    }

    @Override
    public void step(int epoch, int step, double loss, int samples) {
        samplesDone += samples;
        long now = clock.getAsLong();
        eta.step(now);
        if (now - lastLine >= interval || step == stepsPerEpoch - 1) {
            lastLine = now;
            double elapsed = (now - start) / 1e9;
            out.println(String.format(Locale.ROOT, "%s  epoch %d/%d  step %d/%d  loss %.4f  %.0f samples/s  ETA %s",
                    task, epoch + 1, epochs, step + 1, stepsPerEpoch, loss, samplesDone / Math.max(elapsed, 1e-9),
                    Progress.duration(eta.secondsLeft(now))));
        }
    }

    @Override
    public void epoch(int epoch, String summary) {
        out.println(task + "  epoch " + (epoch + 1) + "/" + epochs + " done: " + summary);
    }

    @Override
    public void close() {
        out.flush();
    }
}
