package org.jcontrast.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Median wall time of repeated actions after a warm-up: the bench commands' one timing rule. */
final class Stopwatch {
    /**
     * Pause before each timed run when several actions alternate. A library's worker threads may keep
     * spinning for a while after its call returns (OpenBLAS's pthreads server does), taking a core
     * from whatever runs next; the pause lets them go to sleep, so each action starts on idle cores.
     */
    static final long SETTLE_MILLIS = 200;

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
     * Times several actions in turns, one run of each per round, so that a change in the machine's
     * load hits them all alike. Warms them up in turns for {@code warmupSeconds}, then runs rounds
     * until their timed runs add up to {@code minSeconds} and at least {@code minRuns} rounds are
     * done, each timed run of several actions after a pause of {@link #SETTLE_MILLIS}; returns each
     * action's median seconds per run, in order.
     */
    static double[] alternating(List<Runnable> actions, double warmupSeconds, double minSeconds, int minRuns) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        if (warmupSeconds > 0) {
            do {
                actions.forEach(Runnable::run);
            } while (System.nanoTime() < warmEnd);
        }
        List<double[]> rounds = new ArrayList<>();
        double timed = 0;
        while (rounds.size() < minRuns || timed < minSeconds) {
            double[] round = new double[actions.size()];
            for (int i = 0; i < round.length; i++) {
                if (round.length > 1) {
                    settle();
                }
                long t0 = System.nanoTime();
                actions.get(i).run();
                round[i] = (System.nanoTime() - t0) / 1e9;
                timed += round[i];
            }
            rounds.add(round);
        }
        double[] medians = new double[actions.size()];
        for (int i = 0; i < medians.length; i++) {
            int at = i;
            double[] times = rounds.stream().mapToDouble(r -> r[at]).toArray();
            Arrays.sort(times);
            medians[i] = times[times.length / 2];
        }
        return medians;
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
