package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;

/** The protocol by which the threads of a parallel product pack one B together ({@code PanamaGemm.packShared}). */
class SharedPackingTest {
    private static final int THREADS = 3;
    private static final int PANELS = 40;
    private static final Duration HANG = Duration.ofSeconds(20);

    @Test
    void everyPanelIsPackedOnceBeforeAnyThreadGoesOn() {
        AtomicIntegerArray times = new AtomicIntegerArray(PANELS);
        List<Object> outcomes = runTogether(panel -> {
            // Uneven packing times, so that threads reach the wait while panels are still being packed.
            if (panel % 7 == 0) {
                sleep(2);
            }
            times.incrementAndGet(panel);
        }, () -> {
            for (int p = 0; p < PANELS; p++) {
                assertEquals(1, times.get(p), "panel " + p + " when a thread went on");
            }
        });
        assertEquals(List.of(true, true, true), outcomes);
    }

    @Test
    void aPackingThatThrowsReleasesTheWaitingThreads() {
        AssertionError failure = new AssertionError("packing panel 5 failed");
        List<Object> outcomes = runTogether(panel -> {
            sleep(1);
            if (panel == 5) {
                throw failure;
            }
        }, () -> { });
        // The thread that packed panel 5 throws; the others give up on the product instead of waiting forever.
        assertEquals(1, outcomes.stream().filter(o -> o == failure).count(), outcomes::toString);
        assertEquals(THREADS - 1, outcomes.stream().filter(Boolean.FALSE::equals).count(), outcomes::toString);
    }

    /**
     * Runs {@code packShared} on {@link #THREADS} threads started together; each thread that is let
     * through runs {@code after}. Returns each thread's result, or what it threw.
     */
    private static List<Object> runTogether(IntConsumer packPanel, Runnable after) {
        return assertTimeoutPreemptively(HANG, () -> {
            AtomicInteger claimed = new AtomicInteger();
            AtomicInteger packed = new AtomicInteger();
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService threads = Executors.newFixedThreadPool(THREADS);
            try {
                List<CompletableFuture<Boolean>> runs = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    runs.add(CompletableFuture.supplyAsync(() -> {
                        awaitStart(start);
                        boolean through = PanamaGemm.packShared(claimed, packed, PANELS, packPanel);
                        if (through) {
                            after.run();
                        }
                        return through;
                    }, threads));
                }
                start.countDown();
                List<Object> outcomes = new ArrayList<>();
                for (CompletableFuture<Boolean> run : runs) {
                    try {
                        outcomes.add(run.join());
                    } catch (CompletionException e) {
                        outcomes.add(e.getCause());
                    }
                }
                return outcomes;
            } finally {
                threads.shutdownNow();
            }
        }, "packShared did not return on every thread (a thread waits for a panel that is never packed)");
    }

    private static void awaitStart(CountDownLatch start) {
        try {
            assertTrue(start.await(HANG.toSeconds(), TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
