package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.jcontrast.Engine;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/** The flattened options: defaults, input validation, the memory bank, and the float64 reference. */
class LossOptionsTest {

    @Test
    void identicalRowsGiveLogOfTwoNMinusOneForNtXent() {
        int n = 5, d = 3;
        double[] z = new double[n * d];
        for (int i = 0; i < n; i++) {
            z[i * d] = 2;
        }
        double loss = ReferenceLosses64.loss(LossOptions.of(LossKind.NTXENT), z.clone(), z.clone(), n, d);
        assertEquals(Math.log(2 * n - 1), loss, 1e-12);
    }

    @Test
    void hardWithEveryNegativeIsNtXentAndDclIsBelowIt() {
        SplittableRandom r = new SplittableRandom(3);
        int n = 6, d = 4;
        double[] z1 = Tensor.randn(r, n, d).toDoubleArray();
        double[] z2 = Tensor.randn(r, n, d).toDoubleArray();
        double nt = ReferenceLosses64.loss(LossOptions.of(LossKind.NTXENT), z1, z2, n, d);
        double hard = ReferenceLosses64.loss(LossOptions.of(LossKind.HARD).withTopK(2 * n - 2), z1, z2, n, d);
        assertEquals(nt, hard, 1e-12);
        double dcl = ReferenceLosses64.loss(LossOptions.of(LossKind.DCL).withTemperature(0.5), z1, z2, n, d);
        assertTrue(dcl < nt, "dcl " + dcl + " < ntxent " + nt);
        double hard3 = ReferenceLosses64.loss(LossOptions.of(LossKind.HARD).withTopK(3), z1, z2, n, d);
        assertTrue(hard3 < nt, "fewer negatives, smaller loss");
    }

    @Test
    void selectionRank() {
        assertEquals(3, LossOptions.of(LossKind.HARD).withTopK(3).selectionRank(10));
        assertEquals(10, LossOptions.of(LossKind.HARD).withTopK(30).selectionRank(10));
        assertEquals(1, LossOptions.of(LossKind.HARD).withQuantile(0.1).selectionRank(10));
        assertEquals(2, LossOptions.of(LossKind.HARD).withQuantile(0.11).selectionRank(10));
        assertEquals(10, LossOptions.of(LossKind.HARD).withQuantile(1).selectionRank(10));
        assertEquals(10, LossOptions.of(LossKind.NTXENT).selectionRank(10));
    }

    @Test
    void badOptionsAreRejectedWithTheirName() {
        assertMessage(() -> LossOptions.of(LossKind.NTXENT).withTemperature(0), "temperature");
        assertMessage(() -> LossOptions.of(LossKind.NTXENT).withTemperature(Double.NaN), "temperature");
        assertMessage(() -> LossOptions.of(LossKind.HARD).withTopK(0), "K");
        assertMessage(() -> LossOptions.of(LossKind.HARD).withQuantile(1.5), "quantile");
        assertMessage(() -> LossKind.fromName("nope"), "ntxent");
    }

    @Test
    void badInputsAreRejectedNamingTheRow() {
        LossOptions nt = LossOptions.of(LossKind.NTXENT);
        Tensor ok = Tensor.randn(new SplittableRandom(1), 4, 3);
        assertMessage(() -> LossInputs.validate(nt, ok, Tensor.zeros(4, 2)), "[4, 3] and [4, 2]");
        assertMessage(() -> LossInputs.validate(nt, ok.rows(0, 1), ok.rows(1, 2)), "N = 1");
        Tensor nan = ok.copy();
        nan.set(2, 1, Float.NaN);
        assertMessage(() -> LossInputs.validate(nt, ok, nan), "z2 row 2 has NaN at column 1");
        Tensor zero = ok.copy();
        zero.set(3, 0, 0f);
        zero.set(3, 1, 0f);
        zero.set(3, 2, 0f);
        assertMessage(() -> LossInputs.validate(nt, zero, ok), "z1 row 3 has zero norm");
        LossInputs.validate(nt.withNormalizeEps(1e-12f), zero, ok);
        assertMessage(() -> LossInputs.validate(nt.withNormalizedInputs(true), ok, ok), "unit-norm");
        assertMessage(() -> LossInputs.validate(LossOptions.of(LossKind.SUPCON), ok, ok), "labels");
        assertMessage(() -> LossInputs.validate(LossOptions.of(LossKind.SUPCON).withLabels(new int[3]), ok, ok),
                "3 labels for 4 rows");
        assertMessage(() -> LossInputs.validate(LossOptions.of(LossKind.HARDSIMPLE), ok, ok), "top-K");
        assertMessage(() -> LossInputs.validate(LossOptions.of(LossKind.HARD), ok, ok), "hard: needs a selection");
        assertMessage(() -> LossInputs.validate(nt.withTopK(2), ok, ok), "hard and hardsimple only");
        assertMessage(() -> LossInputs.validate(LossOptions.of(LossKind.INFONCE).withBank(new MemoryBank(8, 5)), ok, ok),
                "dimension 5");
        assertMessage(() -> LossInputs.validate(LossOptions.of(LossKind.INFONCE).withBank(new MemoryBank(8, 3)), ok, ok),
                "empty");
    }

    @Test
    void rowsCheckedInParallelChunksReportTheFirstBadRow() {
        // 16384 rows of 64: four chunks on four threads, a bad row in each of the last three.
        LossOptions nt = LossOptions.of(LossKind.NTXENT);
        Tensor ok = Tensor.randn(new SplittableRandom(2), 16384, 64);
        Tensor bad = ok.copy();
        bad.set(15000, 3, Float.NaN);
        bad.set(9000, 5, Float.POSITIVE_INFINITY);
        bad.set(6000, 7, Float.NaN);
        try (Engine engine = Engine.builder().threads(4).build()) {
            engine.run(() -> {
                assertMessage(() -> LossInputs.validate(nt, ok, bad), "z2 row 6000 has NaN at column 7");
                bad.set(6000, 7, 1f);
                assertMessage(() -> LossInputs.validate(nt, ok, bad), "z2 row 9000 has an infinite value at column 5");
                LossInputs.validate(nt, ok, ok);
            });
        }
    }

    @Test
    void memoryBankWrapsWithoutDroppingPartOfABatch() {
        MemoryBank bank = new MemoryBank(5, 1);
        bank.enqueue(Tensor.wrap(new float[] {1, 2, 3}, 3, 1));
        assertEquals(3, bank.size());
        bank.enqueue(Tensor.wrap(new float[] {4, 5, 6, 7}, 4, 1));
        assertEquals(5, bank.size());
        // 4 and 5 filled the end; 6 and 7 wrapped onto the oldest rows.
        assertEquals("[6.0, 7.0, 3.0, 4.0, 5.0]", java.util.Arrays.toString(bank.snapshot().toArray()));
        float[] buffer = new float[5];
        Tensor reused = bank.snapshot(buffer);
        assertSame(buffer, reused.array(), "a buffer of the bank's size is reused");
        assertEquals("[6.0, 7.0, 3.0, 4.0, 5.0]", java.util.Arrays.toString(reused.toArray()));
        float[] small = new float[4];
        assertNotSame(small, bank.snapshot(small).array(), "a buffer of another size is not");
        assertMessage(() -> bank.enqueue(Tensor.zeros(6, 1)), "does not fit");
        assertMessage(() -> bank.enqueue(Tensor.zeros(2, 2)), "dimension 1");
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' should mention '" + part + "'");
    }
}
