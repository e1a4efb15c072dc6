package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StopRequestTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    @Test
    void theFirstReasonWins() {
        StopRequest stop = new StopRequest();
        assertFalse(stop.getAsBoolean());
        stop.request("time budget");
        stop.request("interrupted");
        assertTrue(stop.getAsBoolean());
        assertEquals("time budget", stop.reason());
    }

    @Test
    void theHookSetsTheFlagAndHoldsTheExitUntilTheLoopFinishes() throws Exception {
        StopRequest stop = new StopRequest();
        Thread hook = new Thread(() -> stop.onShutdown(Duration.ofSeconds(30), err));
        hook.start();
        // The "training loop": polls the flag after each step, then writes its results.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!stop.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertTrue(stop.getAsBoolean(), "the hook asked the loop to stop");
        assertEquals("interrupted", stop.reason());
        assertTrue(hook.isAlive(), "the exit waits for the loop");
        stop.finished();
        hook.join(10_000);
        assertFalse(hook.isAlive());
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("stopping after the current step"));
    }

    @Test
    void aSecondCtrlCStopsAtOnceSayingWhatWasKept() {
        StopRequest stop = new StopRequest();
        stop.keep("runs/t/checkpoint.jckp (epoch 2 of 3)");
        List<Integer> halted = new ArrayList<>();
        stop.onInterrupt(err, halted::add);
        assertTrue(stop.getAsBoolean());
        assertEquals(List.of(), halted, "the first Ctrl-C only asks for a stop");
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("press Ctrl-C again to stop at once"));
        stop.onInterrupt(err, halted::add);
        assertEquals(List.of(StopRequest.INTERRUPTED_STATUS), halted);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(
                "jcontrast: stopped at once; kept runs/t/checkpoint.jckp (epoch 2 of 3)"), bytes.toString());
    }

    @Test
    void theHookGivesUpAfterTheGracePeriodAndDoesNothingOnceFinished() throws Exception {
        StopRequest stop = new StopRequest();
        stop.onShutdown(Duration.ofMillis(50), err);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("exiting anyway"));
        StopRequest done = new StopRequest();
        done.installShutdownHook(Duration.ofSeconds(1), err);
        done.close();
        done.onShutdown(Duration.ofSeconds(30), err);
        assertFalse(done.getAsBoolean(), "a finished run is not asked to stop");
        assertTrue(done.awaitFinished(Duration.ZERO));
    }
}
