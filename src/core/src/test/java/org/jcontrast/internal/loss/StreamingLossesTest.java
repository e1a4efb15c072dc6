package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.junit.jupiter.api.Test;

/**
 * The streaming engine against the materialised kernels for every loss and option, with tiles from
 * 1×1 up to larger than the batch (so N is rarely a multiple of the tile); its determinism, its
 * interruption, the AUTO choice and the tile option, and its errors.
 */
class StreamingLossesTest {
    private static final int[] TILES = {1, 2, 3, 5, 8, 64};

    /** Every spec of the materialised tests, plus SupCon and InfoNCE, for N rows per view. */
    static List<LossOptions> specs(int n, int d, SplittableRandom r) {
        List<LossOptions> s = new ArrayList<>(FusedLossesTest.specs());
        int[] labels = r.ints(n, 0, Math.max(1, n / 3)).toArray();
        s.add(LossOptions.of(LossKind.SUPCON).withLabels(labels));
        s.add(LossOptions.of(LossKind.SUPCON).withLabels(labels).withRescale(false).withTemperature(0.1));
        MemoryBank bank = new MemoryBank(13, d);
        bank.enqueue(Tensor.randn(r, 11, d));
        s.add(LossOptions.of(LossKind.INFONCE).withBank(bank));
        s.add(LossOptions.of(LossKind.INFONCE).withBank(bank).withSymmetric(true).withTemperature(0.07));
        return s;
    }

    @Test
    void everyLossStreamsAsItMaterialises() {
        SplittableRandom r = new SplittableRandom(21);
        for (int[] shape : new int[][] {{2, 3}, {7, 5}, {13, 4}}) {
            int n = shape[0], d = shape[1];
            Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
            for (LossOptions spec : specs(n, d, r)) {
                LossResult want = LossFactory.create(spec, LossMode.MATERIALIZED).compute(z1, z2);
                for (int tile : TILES) {
                    LossResult got = LossFactory.create(spec, LossMode.STREAMING, tile).compute(z1, z2);
                    assertSameResult(spec + " N=" + n + " d=" + d + " tile=" + tile, want, got);
                }
            }
        }
    }

    static void assertSameResult(String what, LossResult want, LossResult got) {
        assertEquals(want.loss(), got.loss(), 1e-5 * Math.max(1, Math.abs(want.loss())), what + ": loss");
        assertClose(want.grad1(), got.grad1(), what + ": grad1");
        assertClose(want.grad2(), got.grad2(), what + ": grad2");
        if (Double.isNaN(want.gradLogitScale())) {
            assertTrue(Double.isNaN(got.gradLogitScale()), what + ": no logit scale");
        } else {
            assertEquals(want.gradLogitScale(), got.gradLogitScale(), 1e-5 * Math.max(1, Math.abs(want.gradLogitScale())),
                    what + ": d/dt");
        }
    }

    /** Float32 rounding relative to the largest entry of either gradient. */
    private static void assertClose(Tensor want, Tensor got, String what) {
        double scale = 1e-3;
        for (int i = 0; i < want.size(); i++) {
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        for (int i = 0; i < want.size(); i++) {
            if (!(Math.abs(want.get(i) - got.get(i)) <= 1e-5 * scale)) {
                throw new AssertionError(what + "[" + i + "] = " + got.get(i) + ", materialised " + want.get(i)
                        + " (scale " + scale + ")");
            }
        }
    }

    @Test
    void aTileSizeThatIsNotPositiveIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LossFactory.create(LossOptions.of(LossKind.NTXENT), LossMode.STREAMING, 0));
        assertTrue(e.getMessage().contains("tile size must be positive, got 0"), e.getMessage());
    }

    @Test
    void aLargerBatchStreamsInParallelAsItMaterialises() {
        int n = 300, d = 16;
        SplittableRandom r = new SplittableRandom(22);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.HARD).withTopK(5),
                LossOptions.of(LossKind.HARD).withQuantile(0.1).withNegativeSet(NegativeSet.CROSS),
                LossOptions.of(LossKind.CLIP), LossOptions.of(LossKind.DCLW).withWeightGradient(true))) {
            LossResult want = LossFactory.create(spec, LossMode.MATERIALIZED).compute(z1, z2);
            assertSameResult(spec.toString(), want, LossFactory.create(spec, LossMode.STREAMING, 64).compute(z1, z2));
        }
    }

    @Test
    void everyTemperatureStreamsAsItMaterialisesOnBothSidesOfTheSharedShiftLimit() {
        // With unit rows the shared shift is M = 1/τ: τ = 0.026 shares it (2M ≈ 77 ≤ 80), τ = 0.02
        // and 0.005 do not, and each side keeps its own max-shifted runs. The shared runs' arguments,
        // in [−2M, 0], go to the exponentials as bounded ones.
        assertTrue(TileSweep.SHARED_SHIFT_LIMIT < ArrayKernel.EXP_BOUND, "2M's limit must stay within EXP_BOUND");
        int n = 40, d = 8;
        SplittableRandom r = new SplittableRandom(23);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        int[] labels = r.ints(n, 0, 5).toArray();
        for (double tau : new double[] {0.026, 0.02, 0.005}) {
            for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.DCL),
                    LossOptions.of(LossKind.DCLW), LossOptions.of(LossKind.SUPCON).withLabels(labels),
                    LossOptions.of(LossKind.CLIP))) {
                LossOptions cold = spec.withTemperature(tau);
                LossResult want = LossFactory.create(cold, LossMode.MATERIALIZED).compute(z1, z2);
                assertSameResult(cold.toString(), want, LossFactory.create(cold, LossMode.STREAMING, 16).compute(z1, z2));
            }
        }
    }

    @Test
    void resultsDoNotDependOnTheThreadCount() throws Exception {
        int n = 50, d = 8;
        SplittableRandom r = new SplittableRandom(23);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        for (LossOptions spec : specs(n, d, r)) {
            LossImplementation loss = LossFactory.create(spec, LossMode.STREAMING, 7);
            // On the vector path, code that C2 has not compiled yet runs the Vector API's Java
            // fallbacks, which reduce lanes in another order: a compilation landing between two
            // calls changes the last bits once. A scheduling dependence would show every time.
            String mismatch = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                mismatch = threadCountMismatch(loss, z1, z2);
                if (mismatch == null) {
                    break;
                }
            }
            assertEquals(null, mismatch, spec.toString());
        }
    }

    /** Null when 1, 2 and 3 threads give the same bits, else which differs. */
    private static String threadCountMismatch(LossImplementation loss, Tensor z1, Tensor z2) throws Exception {
        LossResult[] results = new LossResult[2];
        Contexts.withThreads(1, () -> results[0] = loss.compute(z1, z2));
        LossResult one = results[0];
        for (int t : new int[] {2, 3}) {
            Contexts.withThreads(t, () -> results[1] = loss.compute(z1, z2));
            LossResult many = results[1];
            if (one.loss() != many.loss() || !Arrays.equals(one.grad1().toArray(), many.grad1().toArray())
                    || !Arrays.equals(one.grad2().toArray(), many.grad2().toArray())) {
                return t + " threads differ from 1";
            }
        }
        return null;
    }

    @Test
    void anInterruptedCallerGetsACancellationAndKeepsItsInterrupt() {
        Tensor z = Tensor.randn(new SplittableRandom(24), 8, 3);
        LossImplementation loss = LossFactory.create(LossOptions.of(LossKind.NTXENT), LossMode.STREAMING, 2);
        Thread.currentThread().interrupt();
        try {
            CancellationException e = assertThrows(CancellationException.class, () -> loss.compute(z, z.copy()));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt stays set for the caller");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void anInterruptDuringASweepStopsItAndLeavesNoWorkRunning() throws Exception {
        SplittableRandom r = new SplittableRandom(25);
        Tensor z1 = Tensor.randn(r, 1500, 4), z2 = Tensor.randn(r, 1500, 4);
        LossImplementation loss = LossFactory.create(LossOptions.of(LossKind.NTXENT), LossMode.STREAMING, 2);
        Throwable[] thrown = new Throwable[1];
        Thread worker = new Thread(() -> {
            try {
                loss.compute(z1, z2);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        });
        worker.start();
        // Interrupt once the first (observation) sweep runs: rounds of it and the gradient sweep remain.
        while (worker.isAlive() && !inSweep(worker, "observe")) {
            Thread.sleep(1);
        }
        worker.interrupt();
        worker.join(60_000);
        assertTrue(!worker.isAlive(), "the loss returned");
        assertTrue(thrown[0] instanceof CancellationException, "got " + thrown[0]);
        assertTrue(thrown[0].getMessage().contains("interrupted"), thrown[0].getMessage());
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            for (StackTraceElement frame : e.getValue()) {
                assertTrue(!frame.getClassName().equals(TileSweep.class.getName()),
                        e.getKey().getName() + " still runs a sweep");
            }
        }
    }

    private static boolean inSweep(Thread t, String method) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (frame.getClassName().equals(TileSweep.class.getName()) && frame.getMethodName().equals(method)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void autoStreamsUnlessTheCandidateHeapsOutgrowTheMatrix() {
        LossOptions nt = LossOptions.of(LossKind.NTXENT);
        for (int n : new int[] {1, 32, 512, 1 << 20}) {
            assertEquals(LossMode.STREAMING, LossFactory.resolve(nt, LossMode.AUTO, n), "n = " + n);
        }
        assertEquals(LossMode.MATERIALIZED, LossFactory.resolve(nt, LossMode.MATERIALIZED, 1 << 20));
        // Top-K heaps are small; heaps holding 60% of every row are larger than the matrix, until it no longer fits an array.
        LossOptions hard = LossOptions.of(LossKind.HARD);
        assertEquals(LossMode.STREAMING, LossFactory.resolve(hard.withTopK(64), LossMode.AUTO, 4096));
        assertEquals(LossMode.MATERIALIZED, LossFactory.resolve(hard.withQuantile(0.6), LossMode.AUTO, 4096));
        assertEquals(LossMode.STREAMING, LossFactory.resolve(hard.withQuantile(0.6), LossMode.AUTO, 1 << 20));
        MemoryBank bank = MemoryBank.randomUnit(1 << 16, 2, 1);
        LossOptions info = LossOptions.of(LossKind.INFONCE).withBank(bank);
        assertEquals(LossMode.STREAMING, LossFactory.resolve(info, LossMode.AUTO, 32));
    }

    @Test
    void autoGivesWhatTheChosenImplementationGives() {
        SplittableRandom r = new SplittableRandom(26);
        Tensor z1 = Tensor.randn(r, 6, 3), z2 = Tensor.randn(r, 6, 3);
        LossOptions spec = LossOptions.of(LossKind.DCL);
        LossResult auto = LossFactory.create(spec, LossMode.AUTO).compute(z1, z2);
        LossResult streamed = LossFactory.create(spec, LossMode.STREAMING).compute(z1, z2);
        assertEquals(streamed.loss(), auto.loss(), 0.0);
        assertArrayEquals(streamed.grad1().toArray(), auto.grad1().toArray());
        assertArrayEquals(streamed.grad2().toArray(), auto.grad2().toArray());
        LossResult composed = LossFactory.create(spec, LossMode.COMPOSED).compute(z1, z2);
        assertSameResult("composed", streamed, composed);
    }

    @Test
    void badInputIsRejectedAsByTheOtherImplementations() {
        LossImplementation streaming = LossFactory.create(LossOptions.of(LossKind.NTXENT), LossMode.STREAMING, 4);
        Tensor ok = Tensor.randn(new SplittableRandom(27), 4, 3);
        Tensor nan = ok.copy();
        nan.set(1, 2, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> streaming.compute(ok, nan));
        assertTrue(e.getMessage().contains("z2 row 1 has NaN"), e.getMessage());
        LossOptions wrongBank = LossOptions.of(LossKind.INFONCE).withBank(MemoryBank.randomUnit(8, 5, 1));
        for (LossMode mode : new LossMode[] {LossMode.STREAMING, LossMode.AUTO}) {
            e = assertThrows(IllegalArgumentException.class, () -> LossFactory.create(wrongBank, mode, 4).compute(ok, ok));
            assertTrue(e.getMessage().contains("memory bank has dimension 5 but the embeddings have 3"), e.getMessage());
        }
        MemoryBank nanBank = new MemoryBank(4, 3);
        nanBank.enqueue(nan);
        LossOptions withNan = LossOptions.of(LossKind.INFONCE).withBank(nanBank);
        for (LossMode mode : new LossMode[] {LossMode.STREAMING, LossMode.MATERIALIZED, LossMode.AUTO}) {
            e = assertThrows(IllegalArgumentException.class, () -> LossFactory.create(withNan, mode, 4).compute(ok, ok));
            assertTrue(e.getMessage().contains("the memory bank row 1 has NaN at column 2"), mode + ": " + e.getMessage());
        }
    }
}
