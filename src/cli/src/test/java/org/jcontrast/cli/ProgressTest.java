package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void logLinesComeEveryIntervalAndAtEachEpochEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long[] now = {0};
        long second = 1_000_000_000L;
        try (LogProgress p = new LogProgress("train", 2, 4, 0, out, () -> now[0], 10 * second)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int step = 0; step < 4; step++) {
                    now[0] += 4 * second; // one step takes 4 s, 64 samples each
                    p.step(epoch, step, 3.0 - 0.25 * (epoch * 4 + step), 64);
                }
                p.epoch(epoch, "kNN 0.5");
            }
        }
        // Steps take 4 s: step 3 (t = 12 s) is the first line, 10 s after the start; 3 steps × 64 samples in
        // 12 s is 16 samples/s. The ETA times the steps after the first two and waits for five of them: at
        // t = 28 s, 5 steps in 20 s leave 1 step of 4 s. The last step of an epoch always prints.
        String expected = """
                train  epoch 1/2  step 3/4  loss 2.5000  16 samples/s  ETA ?
                train  epoch 1/2  step 4/4  loss 2.2500  16 samples/s  ETA ?
                train  epoch 1/2 done: kNN 0.5
                train  epoch 2/2  step 3/4  loss 1.5000  16 samples/s  ETA 0:00:04
                train  epoch 2/2  step 4/4  loss 1.2500  16 samples/s  ETA 0:00:00
                train  epoch 2/2 done: kNN 0.5
                """;
        assertEquals(expected, bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
    }

    @Test
    void theEtaSkipsTheSlowFirstStepsAndWaitsForEnoughOthers() {
        long second = 1_000_000_000L;
        Eta eta = new Eta(1000, 0);
        long now = 0;
        for (int i = 0; i < 2; i++) {
            now += 60 * second; // the JIT's first steps: a minute each
            eta.step(now);
            assertTrue(Double.isNaN(eta.secondsLeft(now)), "withheld during the warm-up");
        }
        for (int i = 0; i < 4; i++) {
            now += second;
            eta.step(now);
            assertTrue(Double.isNaN(eta.secondsLeft(now)), "withheld until five steps were timed");
        }
        now += second;
        eta.step(now);
        assertEquals(993, eta.secondsLeft(now), 1e-9, "993 steps left at the pace of one a second");
        Eta slow = new Eta(10, 0);
        for (int i = 0; i < 3; i++) {
            slow.step(i * 30 * second);
        }
        assertEquals(7 * 30, slow.secondsLeft(2 * 30 * second), 1e-9, "slow steps: one timed step of 20 s or more is enough");
    }

    @Test
    void aResumedRunCountsItsEarlierStepsAndEndsWithNoEta() {
        Eta eta = new Eta(30, 29);
        eta.step(1);
        assertEquals(0, eta.secondsLeft(1));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (LogProgress p = new LogProgress("train", 3, 10, 29, out, () -> 0L, 1)) {
            p.step(2, 9, 1.0, 16);
        }
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("step 10/10  loss 1.0000  ") 
                && bytes.toString(StandardCharsets.UTF_8).strip().endsWith("ETA 0:00:00"), bytes.toString());
    }

    @Test
    void theBarKeepsItsTextWholeAt80ColumnsAndDropsTheLeastUsefulWhenNarrower() {
        List<BarProgress.Part> parts = List.of(new BarProgress.Part(0, "42%"), new BarProgress.Part(2, "loss 5.2311"),
                new BarProgress.Part(4, "ETA 0:12:31"), new BarProgress.Part(1, "epoch 12/50"),
                new BarProgress.Part(3, "18432 samples/s"));
        String wide = BarProgress.line("train", 0.42, parts, 80);
        assertTrue(wide.length() <= 79, wide.length() + ": " + wide);
        assertTrue(wide.endsWith("] 42%  epoch 12/50  loss 5.2311  18432 samples/s  ETA 0:12:31"), wide);
        int cells = wide.indexOf(']') - wide.indexOf('[') - 1;
        assertTrue(cells >= BarProgress.MIN_BAR, wide);
        assertEquals(Math.round(0.42 * cells), wide.chars().filter(c -> c == '█').count(), wide);
        String narrow = BarProgress.line("train", 0.42, parts, 50);
        assertTrue(narrow.length() <= 49 && !narrow.contains("samples/s") && !narrow.contains("epoch"), narrow);
        assertTrue(narrow.endsWith("] 42%  loss 5.2311  ETA 0:12:31"), narrow);
        assertTrue(BarProgress.line("train", 1, parts, 10).length() <= 9);
    }

    @Test
    void theBarIsNotDrawnAgainAfterTheLastEpochSummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long[] now = {0};
        BarProgress p = new BarProgress("train", 1, 2, 0, 80, out, () -> now[0]);
        p.step(0, 0, 2.0, 8);
        now[0] += 1_000_000_000L;
        p.step(0, 1, 1.0, 8);
        p.epoch(0, "loss 1.5");
        p.close();
        p.close();
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.endsWith("epoch 1/1: loss 1.5" + System.lineSeparator()), shown);
        assertTrue(shown.contains("100%"), "the last step is drawn: " + shown);
    }

    @Test
    void onlyARealTerminalGetsTheBar() {
        assertFalse(Progress.isTerminal(null, "xterm"));
        assertEquals("1:01:05", Progress.duration(3665.9));
        assertEquals("0:00:00", Progress.duration(0));
        assertEquals("?", Progress.duration(Double.NaN));
        assertEquals("?", Progress.duration(Double.POSITIVE_INFINITY));
    }
}
