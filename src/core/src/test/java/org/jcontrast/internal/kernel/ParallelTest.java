package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.jcontrast.Simd;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.testing.Contexts;
import org.junit.jupiter.api.Test;

class ParallelTest {

    @Test
    void forRangeVisitsEveryIndexOnceInAtMostThreadsChunks() throws Exception {
        Contexts.withThreads(3, () -> {
            for (int n : new int[] {0, 1, 5, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                Set<String> chunks = ConcurrentHashMap.newKeySet();
                Parallel.forRange(n, 2, (from, to) -> {
                    chunks.add(from + ".." + to);
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i), "index " + i + " of " + n);
                }
                assertTrue(chunks.size() <= 3, chunks + " for n = " + n);
            }
        });
    }

    @Test
    void alignedChunksStartAtMultiplesOfTheAlignmentAndCoverTheRange() throws Exception {
        Contexts.withThreads(3, () -> {
            for (int n : new int[] {0, 7, 20, 40, 512, 1000}) {
                AtomicIntegerArray seen = new AtomicIntegerArray(n);
                Set<String> chunks = ConcurrentHashMap.newKeySet();
                Parallel.forRange(n, 16, 16, (from, to) -> {
                    chunks.add(from + ".." + to);
                    assertEquals(0, from % 16, "chunk " + from + ".." + to + " of " + n);
                    assertTrue(to - from >= Math.min(16, n), "chunk " + from + ".." + to + " of " + n);
                    for (int i = from; i < to; i++) {
                        seen.incrementAndGet(i);
                    }
                });
                for (int i = 0; i < n; i++) {
                    assertEquals(1, seen.get(i), "index " + i + " of " + n);
                }
                assertTrue(chunks.size() <= 3, chunks + " for n = " + n);
            }
        });
    }

    @Test
    void triangleBandsCoverTheRowsInEqualAreas() {
        for (int n : new int[] {1, 40, 1000, 8192}) {
            for (int bands : new int[] {1, 2, 3, 8}) {
                assertEquals(0, Parallel.triangleBandEdge(n, 0, bands));
                assertEquals(n, Parallel.triangleBandEdge(n, bands, bands));
                for (int t = 0; t < bands; t++) {
                    int from = Parallel.triangleBandEdge(n, t, bands), to = Parallel.triangleBandEdge(n, t + 1, bands);
                    assertTrue(from <= to, "band " + t + " of " + bands + " for n = " + n);
                    assertTrue(to == n || to % 16 == 0, "edge " + to);
                    if (n >= 1000) {
                        // Lower-triangle area of the band against an equal share, within a 16-row rounding.
                        double area = ((double) to * to - (double) from * from) / 2;
                        double share = (double) n * n / 2 / bands;
                        assertEquals(share, area, 16.0 * n, "band " + t + " of " + bands + " for n = " + n);
                    }
                }
            }
        }
    }

    @Test
    void workersHaveDistinctNames() throws Exception {
        // Profilers group samples by thread name: two workers with one name look like one thread.
        Contexts.withThreads(3, () -> {
            Set<String> names = ConcurrentHashMap.newKeySet();
            CountDownLatch all = new CountDownLatch(3);
            Parallel.forTasks(3, t -> {
                names.add(Thread.currentThread().getName());
                all.countDown();
                try {
                    // Hold each task until all three run at once, so that three workers take part.
                    all.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            assertEquals(0, all.getCount(), "three tasks never ran at once");
            assertEquals(3, names.size(), names.toString());
            assertTrue(names.stream().allMatch(s -> s.startsWith("jcontrast-")), names.toString());
        });
    }

    @Test
    void joinsNeverAddWorkersBeyondTheThreadCount() throws Exception {
        // Many short rounds of tasks, as a streaming loss runs them: a worker that waits in a join
        // must help or wait, not have the pool start a spare thread that oversubscribes the cores.
        Contexts.withThreads(2, () -> {
            Set<String> names = ConcurrentHashMap.newKeySet();
            double[] sink = new double[16];
            for (int round = 0; round < 400; round++) {
                Parallel.forTasks(16, t -> {
                    names.add(Thread.currentThread().getName());
                    double x = t;
                    for (int i = 0; i < 20_000; i++) {
                        x = Math.sqrt(x + i);
                    }
                    sink[t] = x;
                });
            }
            assertTrue(names.size() <= 2, "workers seen: " + names);
        });
    }

    @Test
    void inPoolRunsOnAWorkerWithTheContextAndPassesResultsAndExceptionsThrough() throws Exception {
        Contexts.withThreads(2, () -> {
            Context outside = Context.current();
            String caller = Thread.currentThread().getName();
            String ran = Parallel.inPool(() -> {
                assertTrue(Context.current() == outside, "the caller's context is bound");
                // Nested: runs directly on the same worker.
                return Parallel.inPool(() -> Thread.currentThread().getName());
            });
            assertTrue(ran.startsWith("jcontrast-") && !ran.equals(caller), ran);
            IllegalStateException thrown = new IllegalStateException("from the task");
            assertTrue(thrown == assertThrows(IllegalStateException.class, () -> Parallel.inPool(() -> {
                throw thrown;
            })), "the task's own exception");
            assertNull(Parallel.<String>inPool(() -> null));
            Thread.currentThread().interrupt();
            try {
                assertThrows(CancellationException.class, () -> Parallel.inPool(() -> "never"));
            } finally {
                Thread.interrupted();
            }
            // An interrupt of the caller while the block runs on a worker stops its next parallel section.
            Thread waiting = Thread.currentThread();
            try {
                assertThrows(CancellationException.class, () -> Parallel.inPool(() -> {
                    waiting.interrupt();
                    for (long end = System.nanoTime() + 10_000_000_000L; System.nanoTime() < end; ) {
                        Parallel.forTasks(2, t -> { });
                    }
                    return "not stopped within 10 s";
                }));
                assertTrue(waiting.isInterrupted(), "the caller's interrupt stays set, as for a section it ran itself");
            } finally {
                Thread.interrupted();
            }
        });
        Contexts.withThreads(1, () -> assertEquals(Thread.currentThread().getName(),
                Parallel.inPool(() -> Thread.currentThread().getName()), "one thread: runs on the caller"));
    }

    @Test
    void aThreadCountBelowOneIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Context(Simd.SCALAR, 0, OffloadSettings.fromSystemProperties(), Context.Streaming.DEFAULT));
        assertTrue(e.getMessage().contains("threads must be at least 1, got 0"), e.getMessage());
    }
}
