package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A warmed-up streaming loss allocates its two gradients and at most 1 MiB besides, counted over
 * all threads, and nothing per tile. The core module runs it in JVMs of its own, as
 * {@link org.jcontrast.internal.kernel.KernelAllocationTest}: with default flags; with
 * {@code -XX:PerMethodTrapLimit=0}, where C2 compiles every branch, as it does for a method that
 * has used up its uncommon traps, so that a vector that a kernel's loop boxes on some path shows in
 * every run instead of in a few percent of them (with the interpreter's profiling off, for the
 * reason given in the pom); and with no method of the vector kernels inlined, so that a vector
 * passed to or returned from a helper is boxed in every run instead of in the rare one where C2
 * leaves that call out of line.
 */
class SteadyStateAllocationTest {
    private static final long SLACK = 1 << 20;

    @Test
    void aWarmedUpStreamingLossAllocatesLittleBeyondItsGradients() {
        int n = 512, d = 64;
        SplittableRandom r = new SplittableRandom(31);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        long gradients = 2L * n * d * Float.BYTES;
        // A bank of 4n rows: copying it each call, as InfoNCE did, is over the slack.
        MemoryBank bank = MemoryBank.randomUnit(4 * n, d, 32);
        // The hard selections' K are large enough that their O(N·K) working arrays exceed the slack.
        for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.DCLW),
                LossOptions.of(LossKind.CLIP), LossOptions.of(LossKind.HARD).withTopK(128),
                LossOptions.of(LossKind.HARD).withQuantile(0.25), LossOptions.of(LossKind.INFONCE).withBank(bank))) {
            long fewest = warmedUpAllocation(spec, 128, z1, z2);
            assertTrue(fewest <= gradients + SLACK, spec + " allocated " + fewest + " bytes per warmed-up call, "
                    + "more than its gradients' " + gradients + " and 1 MiB");
        }
    }

    /**
     * What a call allocates does not grow with its tiles: hundreds a pass against a few dozen
     * here, millions at 2N = 2²⁰. A few dozen bytes per tile (a tile handed out as an array, a
     * lambda per product) add up to more than the slack below.
     */
    @Test
    void aWarmedUpStreamingLossAllocatesNothingPerTile() {
        int n = 512, d = 64;
        SplittableRandom r = new SplittableRandom(37);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        MemoryBank bank = MemoryBank.randomUnit(4 * n, d, 38);
        for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.CLIP),
                LossOptions.of(LossKind.INFONCE).withBank(bank))) {
            long few = warmedUpAllocation(spec, 128, z1, z2);
            long many = warmedUpAllocation(spec, 32, z1, z2);
            assertTrue(many - few <= 16 << 10, spec + " allocated " + few + " bytes per call with tiles of 128 and "
                    + many + " with tiles of 32");
        }
    }

    /**
     * Nor does it grow with the batch beyond the gradients, but for SupCon's copy of its labels: per
     * sample, DCLW's weights and SupCon's label groups took 32 bytes or more, made anew each call.
     */
    @Test
    void aWarmedUpStreamingLossAllocatesNothingPerSample() {
        int d = 32, small = 256, large = 1024;
        SplittableRandom r = new SplittableRandom(41);
        Tensor z1 = Tensor.randn(r, large, d), z2 = Tensor.randn(r, large, d);
        for (LossKind kind : List.of(LossKind.NTXENT, LossKind.DCLW, LossKind.SUPCON)) {
            long[] beyond = new long[2];
            for (int size = 0; size < 2; size++) {
                int n = size == 0 ? small : large;
                LossOptions spec = LossOptions.of(kind);
                if (kind == LossKind.SUPCON) {
                    spec = spec.withLabels(IntStream.range(0, n).map(i -> i % 10).toArray());
                }
                beyond[size] = warmedUpAllocation(spec, 128, z1.rows(0, n), z2.rows(0, n)) - 2L * n * d * Float.BYTES;
            }
            assertTrue(beyond[1] - beyond[0] <= 8L * (large - small), kind + " allocated " + beyond[0]
                    + " bytes beyond its gradients per call at N = " + small + " and " + beyond[1] + " at " + large);
        }
    }

    /** The fewest bytes that five warmed-up calls of {@code spec} allocated, on all threads. */
    private static long warmedUpAllocation(LossOptions spec, int tile, Tensor z1, Tensor z2) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        threads.setThreadAllocatedMemoryEnabled(true);
        LossImplementation loss = LossFactory.create(spec, LossMode.STREAMING, tile);
        for (int warm = 0; warm < 60; warm++) {
            loss.compute(z1, z2);
        }
        long fewest = Long.MAX_VALUE;
        for (int run = 0; run < 5; run++) {
            long before = threads.getTotalThreadAllocatedBytes();
            loss.compute(z1, z2);
            fewest = Math.min(fewest, threads.getTotalThreadAllocatedBytes() - before);
        }
        return fewest;
    }
}
