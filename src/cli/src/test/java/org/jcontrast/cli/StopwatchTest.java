package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Stopwatch}: alternated actions, each timed on its own, the settling pause left out of every time. */
class StopwatchTest {

    @Test
    void alternatesTheActionsAndTimesEachAfterAPauseLeftOutOfItsTime() {
        List<String> order = new ArrayList<>();
        long start = System.nanoTime();
        double[] medians = Stopwatch.alternating(List.of(
                () -> {
                    order.add("short");
                    pause(5);
                },
                () -> {
                    order.add("long");
                    pause(40);
                }), 0, 0, 3);
        double wall = (System.nanoTime() - start) / 1e9;

        assertEquals(List.of("short", "long", "short", "long", "short", "long"), order);
        assertTrue(medians[0] >= 0.005 && medians[0] < Stopwatch.SETTLE_MILLIS / 1e3, "short: " + medians[0]);
        assertTrue(medians[1] >= 0.040 && medians[1] < Stopwatch.SETTLE_MILLIS / 1e3, "long: " + medians[1]);
        assertTrue(medians[1] > medians[0], medians[0] + " vs " + medians[1]);
        assertTrue(wall >= 6 * Stopwatch.SETTLE_MILLIS / 1e3, "six timed runs, six pauses: " + wall + " s");
    }

    @Test
    @Timeout(30)
    void shortActionsRepeatWithinASampleSoThePausesDoNotRuleTheBench() {
        int[] runs = new int[2];
        long start = System.nanoTime();
        double[] medians = Stopwatch.alternating(List.of(
                () -> {
                    runs[0]++;
                    spin(100_000);
                },
                () -> {
                    runs[1]++;
                    spin(200_000);
                }), 0.1, 1.0, 3);
        double wall = (System.nanoTime() - start) / 1e9;

        assertTrue(wall >= 1.1 && wall < 4, "0.1 s of warm-up and 1 s of rounds took " + wall + " s");
        // Three samples of ≈ SAMPLE_SECONDS / 0.1 ms runs each (half that if the warm-up read slow);
        // one run per sample would make about 340 with the warm-up.
        assertTrue(runs[0] >= 3 * Stopwatch.SAMPLE_SECONDS / 2e-4 && runs[1] > runs[0] / 4,
                "samples of repeated runs: " + runs[0] + " and " + runs[1] + " runs");
        assertTrue(medians[0] >= 1e-4 && medians[0] < 1e-2, "per run, not per sample: " + medians[0]);
        assertTrue(medians[1] > medians[0], medians[0] + " vs " + medians[1]);
    }

    @Test
    void aSingleActionRunsBackToBack() {
        long start = System.nanoTime();
        double median = Stopwatch.median(() -> pause(1), 0, 0, 5);

        assertTrue(median >= 0.001, "median " + median);
        assertTrue((System.nanoTime() - start) / 1e9 < Stopwatch.SETTLE_MILLIS / 1e3,
                "five runs of 1 ms took " + (System.nanoTime() - start) / 1e9 + " s: a pause came between them");
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
