package org.jcontrast.cli;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Median wall time of a repeated action after a warm-up: the bench commands' one timing rule. */
final class Stopwatch {
    private Stopwatch() {
    }

    /**
     * Runs {@code action} for {@code warmupSeconds} (at least once, unless 0), then at least {@code minRuns} times and for at
     * least {@code minSeconds}, and returns the median seconds per run.
     */
    static double median(Runnable action, double warmupSeconds, double minSeconds, int minRuns) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        if (warmupSeconds > 0) {
            do {
                action.run();
            } while (System.nanoTime() < warmEnd);
        }
        List<Double> times = new ArrayList<>();
        long start = System.nanoTime();
        while (times.size() < minRuns || System.nanoTime() - start < minSeconds * 1e9) {
            long t0 = System.nanoTime();
            action.run();
            times.add((System.nanoTime() - t0) / 1e9);
        }
        Collections.sort(times);
        return times.get(times.size() / 2);
    }
}
