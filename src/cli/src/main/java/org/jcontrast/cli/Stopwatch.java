package org.jcontrast.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Median wall time of repeated actions after a warm-up: the bench commands' one timing rule. */
final class Stopwatch {
    /**
     * Pause before each timed sample when several actions alternate. A library's worker threads may
     * keep spinning for a while after its call returns (OpenBLAS's pthreads server does), taking a
     * core from whatever runs next; the pause lets them go to sleep, so each action starts on idle cores.
     */
    static final long SETTLE_MILLIS = 200;
    /** With pauses, a sample repeats a short action to last about this long: the pauses stay a fraction of the bench. */
    static final double SAMPLE_SECONDS = 0.05;
    private static final int MAX_REPEATS = 1 << 20;

    private Stopwatch() {
    }

    /**
     * Runs {@code action} for {@code warmupSeconds} (at least once, unless 0), then at least {@code minRuns} times and for at
     * least {@code minSeconds}, and returns the median seconds per run.
     */
    static double median(Runnable action, double warmupSeconds, double minSeconds, int minRuns) {
        return alternating(List.of(action), warmupSeconds, minSeconds, minRuns)[0];
    }

    /**
     * Times several actions in turns, one sample of each per round, so that a change in the machine's
     * load hits them all alike. Warms them up in turns for {@code warmupSeconds}, then runs rounds
     * for at least {@code minSeconds} of wall time and at least {@code minRuns} rounds; returns each
     * action's median seconds per run, in order. A sample is one run, except when several actions
     * alternate: then each sample follows a pause of {@link #SETTLE_MILLIS} and repeats its action
     * as often as its fastest warm-up run says fills {@link #SAMPLE_SECONDS} (the last one may have
     * been preempted), and counts the mean of its runs.
     */
    static double[] alternating(List<Runnable> actions, double warmupSeconds, double minSeconds, int minRuns) {
        int count = actions.size();
        double[] fastestRun = new double[count];
        Arrays.fill(fastestRun, Double.POSITIVE_INFINITY);
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        if (warmupSeconds > 0) {
            do {
                for (int i = 0; i < count; i++) {
                    fastestRun[i] = Math.min(fastestRun[i], seconds(actions.get(i), 1));
                }
            } while (System.nanoTime() < warmEnd);
        }
        boolean settle = count > 1;
        int[] repeats = new int[count];
        for (int i = 0; i < count; i++) {
            boolean timed = fastestRun[i] > 0 && fastestRun[i] < Double.POSITIVE_INFINITY;
            repeats[i] = settle && timed ? (int) Math.min(MAX_REPEATS, Math.ceil(SAMPLE_SECONDS / fastestRun[i])) : 1;
        }
        List<double[]> rounds = new ArrayList<>();
        long start = System.nanoTime();
        while (rounds.size() < minRuns || System.nanoTime() - start < minSeconds * 1e9) {
            double[] round = new double[count];
            for (int i = 0; i < count; i++) {
                if (settle) {
                    settle();
                }
                round[i] = seconds(actions.get(i), repeats[i]);
            }
            rounds.add(round);
        }
        double[] medians = new double[count];
        for (int i = 0; i < count; i++) {
            int at = i;
            double[] times = rounds.stream().mapToDouble(r -> r[at]).toArray();
            Arrays.sort(times);
            medians[i] = times[times.length / 2];
        }
        return medians;
    }

    /** Mean seconds of {@code repeats} runs of {@code action} in a row. */
    private static double seconds(Runnable action, int repeats) {
        long t0 = System.nanoTime();
        for (int r = 0; r < repeats; r++) {
            action.run();
        }
        return (System.nanoTime() - t0) / 1e9 / repeats;
    }

    private static void settle() {
        try {
            Thread.sleep(SETTLE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("the bench was interrupted", e);
        }
    }
}
