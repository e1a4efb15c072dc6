package org.jcontrast.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Median wall time of repeated actions after a warm-up: the bench commands' one timing rule. */
final class Stopwatch {
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
     * until {@code minSeconds} have passed and at least {@code minRuns} rounds are done; returns
     * each action's median seconds per run, in order.
     */
    static double[] alternating(List<Runnable> actions, double warmupSeconds, double minSeconds, int minRuns) {
        long warmEnd = System.nanoTime() + (long) (warmupSeconds * 1e9);
        if (warmupSeconds > 0) {
            do {
                actions.forEach(Runnable::run);
            } while (System.nanoTime() < warmEnd);
        }
        List<double[]> rounds = new ArrayList<>();
        long start = System.nanoTime();
        while (rounds.size() < minRuns || System.nanoTime() - start < minSeconds * 1e9) {
            double[] round = new double[actions.size()];
            for (int i = 0; i < round.length; i++) {
                long t0 = System.nanoTime();
                actions.get(i).run();
                round[i] = (System.nanoTime() - t0) / 1e9;
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
}
