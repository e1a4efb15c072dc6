package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {

    @Test
    void logLinesComeEveryIntervalAndAtEachEpochEnd() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        long[] now = {0};
        long second = 1_000_000_000L;
        try (LogProgress p = new LogProgress("train", 2, 4, out, () -> now[0], 10 * second)) {
            for (int epoch = 0; epoch < 2; epoch++) {
                for (int step = 0; step < 4; step++) {
                    now[0] += 4 * second; // one step takes 4 s, 64 samples each
                    p.step(epoch, step, 3.0 - 0.25 * (epoch * 4 + step), 64);
                }
                p.epoch(epoch, "kNN 0.5");
            }
        }
        // Steps take 4 s: step 3 (t = 12 s) is the first line, 10 s after the start; 3 steps × 64 samples in
        // 12 s is 16 samples/s; ETA = 12 s / 3 steps × 5 steps left = 20 s. The last step of an epoch always prints.
        String expected = """
                train  epoch 1/2  step 3/4  loss 2.5000  16 samples/s  ETA 0:00:20
                train  epoch 1/2  step 4/4  loss 2.2500  16 samples/s  ETA 0:00:16
                train  epoch 1/2 done: kNN 0.5
                train  epoch 2/2  step 3/4  loss 1.5000  16 samples/s  ETA 0:00:04
                train  epoch 2/2  step 4/4  loss 1.2500  16 samples/s  ETA 0:00:00
                train  epoch 2/2 done: kNN 0.5
                """;
        assertEquals(expected, bytes.toString(StandardCharsets.UTF_8).replace("\r\n", "\n"));
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
