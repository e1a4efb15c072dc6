package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/**
 * Every fused loss and option against the float64 reference: the value, and the gradients
 * against the reference's central finite differences, on shapes from N = 2, d = 1 upwards.
 */
class FusedLossesTest {
    private static final int[][] SHAPES = {{2, 1}, {2, 3}, {3, 2}, {4, 5}, {6, 3}, {9, 7}};

    /** Every option combination worth telling apart, for every kind. */
    static List<LossOptions> specs() {
        List<LossOptions> s = new ArrayList<>();
        s.add(LossOptions.of(LossKind.NTXENT));
        s.add(LossOptions.of(LossKind.NTXENT).withTemperature(0.1));
        s.add(LossOptions.of(LossKind.DCL));
        s.add(LossOptions.of(LossKind.DCL).withTemperature(0.7));
        for (boolean wGrad : new boolean[] {false, true}) {
            for (boolean clamp : new boolean[] {false, true}) {
                s.add(LossOptions.of(LossKind.DCLW).withWeightGradient(wGrad).withClampWeight(clamp));
                s.add(LossOptions.of(LossKind.DCLW).withSigma(0.05).withTemperature(0.3).withWeightGradient(wGrad)
                        .withClampWeight(clamp));
            }
        }
        for (NegativeSet set : NegativeSet.values()) {
            s.add(LossOptions.of(LossKind.HARD).withQuantile(1).withNegativeSet(set)); // every negative
            for (int k : new int[] {1, 2, 3, 50}) {
                s.add(LossOptions.of(LossKind.HARD).withTopK(k).withNegativeSet(set));
            }
            for (double q : new double[] {0.1, 0.5, 1.0}) {
                s.add(LossOptions.of(LossKind.HARD).withQuantile(q).withNegativeSet(set).withTemperature(0.2));
            }
            s.add(LossOptions.of(LossKind.SIMPLE).withNegativeSet(set));
            s.add(LossOptions.of(LossKind.SIMPLE).withNegativeSet(set).withLambda(0.3));
            s.add(LossOptions.of(LossKind.HARDSIMPLE).withTopK(2).withNegativeSet(set));
            s.add(LossOptions.of(LossKind.HARDSIMPLE).withQuantile(0.4).withNegativeSet(set).withLambda(1.5));
        }
        s.add(LossOptions.of(LossKind.CLIP));
        s.add(LossOptions.of(LossKind.CLIP).withTemperature(0.5));
        return s;
    }

    @Test
    void everyOneAndTwoTowerLossMatchesTheReference() {
        long seed = 1;
        for (LossOptions spec : specs()) {
            for (int[] shape : SHAPES) {
                checkAgainstReference(spec, shape[0], shape[1], seed++);
            }
        }
    }

    @Test
    void supConWithLabelsAndRescale() {
        long seed = 100;
        for (boolean rescale : new boolean[] {true, false}) {
            for (int[] shape : SHAPES) {
                int n = shape[0];
                int[] labels = new SplittableRandom(seed).ints(n, 0, Math.max(1, n / 2)).toArray();
                LossOptions spec = LossOptions.of(LossKind.SUPCON).withLabels(labels).withRescale(rescale);
                checkAgainstReference(spec, n, shape[1], seed++);
                checkAgainstReference(spec.withTemperature(0.1), n, shape[1], seed++);
            }
        }
    }

    @Test
    void infoNceWithABankOneWayAndSymmetric() {
        long seed = 200;
        for (boolean symmetric : new boolean[] {false, true}) {
            for (int[] shape : new int[][] {{1, 3}, {2, 1}, {3, 4}, {6, 5}}) {
                MemoryBank bank = new MemoryBank(8, shape[1]);
                bank.enqueue(Tensor.randn(new SplittableRandom(seed), 5, shape[1]));
                LossOptions spec = LossOptions.of(LossKind.INFONCE).withBank(bank).withSymmetric(symmetric);
                checkAgainstReference(spec, shape[0], shape[1], seed++);
                checkAgainstReference(spec.withTemperature(0.07), shape[0], shape[1], seed++);
            }
        }
    }

    @Test
    void unitNormInputsAreUsedAsGiven() {
        long seed = 300;
        for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.HARD).withTopK(2),
                LossOptions.of(LossKind.DCLW).withWeightGradient(true), LossOptions.of(LossKind.CLIP),
                LossOptions.of(LossKind.SIMPLE))) {
            for (int[] shape : SHAPES) {
                checkUnitNorm(spec.withNormalizedInputs(true), shape[0], shape[1], seed++);
            }
        }
    }

    @Test
    void zeroRowsWithAnExplicitEpsBehaveAsPyTorchNormalize() {
        // The finite differences' step (1e-6) stays well inside the clamped region |z| < eps.
        LossOptions spec = LossOptions.of(LossKind.NTXENT).withNormalizeEps(1e-3f);
        SplittableRandom r = new SplittableRandom(7);
        Tensor z1 = Tensor.randn(r, 4, 3), z2 = Tensor.randn(r, 4, 3);
        for (int j = 0; j < 3; j++) {
            z1.set(2, j, 0f);
        }
        compare(spec, z1, z2, "zero row");
        compare(LossOptions.of(LossKind.CLIP).withNormalizeEps(1e-3f), z1, z2, "zero row clip");
    }

    @Test
    void largeAndSmallRowNormsGiveTheSameLoss() {
        LossOptions spec = LossOptions.of(LossKind.NTXENT);
        Tensor z1 = Tensor.randn(new SplittableRandom(8), 5, 4), z2 = Tensor.randn(new SplittableRandom(9), 5, 4);
        double base = FusedLosses.create(spec).compute(z1, z2).loss();
        double big = FusedLosses.create(spec).compute(Ops.scale(z1, 1e4f), Ops.scale(z2, 1e-4f)).loss();
        assertEquals(base, big, 1e-5);
    }

    @Test
    void tiesInTheHardSelectionGoToTheLowerIndex() {
        // Unit inputs in d = 1 make every similarity ±1: the selection is decided by ties alone.
        float[] v1 = {1, -1, 1, 1, -1}, v2 = {-1, 1, 1, -1, 1};
        Tensor z1 = Tensor.wrap(v1, 5, 1), z2 = Tensor.wrap(v2, 5, 1);
        for (LossOptions spec : List.of(LossOptions.of(LossKind.HARD).withTopK(3), LossOptions.of(LossKind.HARD).withTopK(5),
                LossOptions.of(LossKind.HARD).withQuantile(0.3), LossOptions.of(LossKind.HARDSIMPLE).withTopK(4),
                LossOptions.of(LossKind.HARDSIMPLE).withQuantile(0.5).withNegativeSet(NegativeSet.CROSS))) {
            compare(spec.withNormalizedInputs(true), z1, z2, "ties");
        }
    }

    @Test
    void largeBatchRunsInParallelAndMatchesTheReferenceValue() {
        int n = 300, d = 16;
        SplittableRandom r = new SplittableRandom(11);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.HARD).withQuantile(0.2),
                LossOptions.of(LossKind.CLIP))) {
            double ref = ReferenceLosses64.loss(spec, z1.toDoubleArray(), z2.toDoubleArray(), n, d);
            assertEquals(ref, FusedLosses.create(spec).compute(z1, z2).loss(), 1e-5 * Math.max(1, Math.abs(ref)),
                    spec.toString());
        }
    }

    @Test
    void badInputIsRejectedBeforeComputing() {
        LossImplementation nt = FusedLosses.create(LossOptions.of(LossKind.NTXENT));
        Tensor ok = Tensor.randn(new SplittableRandom(1), 4, 3);
        Tensor nan = ok.copy();
        nan.set(1, 2, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> nt.compute(ok, nan));
        assertTrue(e.getMessage().contains("z2 row 1 has NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> nt.compute(ok, Tensor.zeros(4, 2)));
        assertEquals(LossKind.CLIP, FusedLosses.create(LossOptions.of(LossKind.CLIP)).options().kind());
    }

    private static void checkAgainstReference(LossOptions spec, int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        compare(spec, z1, z2, "seed " + seed);
    }

    private static void checkUnitNorm(LossOptions spec, int n, int d, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        Tensor z1 = Ops.normalizeRows(Tensor.randn(r, n, d), 1e-12f);
        Tensor z2 = Ops.normalizeRows(Tensor.randn(r, n, d), 1e-12f);
        compare(spec, z1, z2, "unit seed " + seed);
    }

    /** The fused value and gradients against the reference and its finite differences. */
    static void compare(LossOptions spec, Tensor z1, Tensor z2, String where) {
        int n = z1.dim(0), d = z1.dim(1);
        String what = spec + " N=" + n + " d=" + d + " " + where;
        LossResult got = FusedLosses.create(spec).compute(z1, z2);
        double[] x1 = z1.toDoubleArray(), x2 = z2.toDoubleArray();
        double ref = ReferenceLosses64.loss(spec, x1, x2, n, d);
        assertEquals(ref, got.loss(), 2e-6 * Math.max(1, Math.abs(ref)), what + ": loss");
        double[][] fd = ReferenceLosses64.gradient(spec, x1, x2, n, d, 1e-6);
        double scale = 0;
        for (double[] g : new double[][] {fd[0], fd[1]}) {
            for (double v : g) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        assertClose(fd[0], got.grad1(), tolerances(spec, z1, scale), what + ": grad1");
        assertClose(fd[1], got.grad2(), tolerances(spec, z2, scale), what + ": grad2");
        if (spec.kind() == LossKind.CLIP) {
            assertEquals(fd[2][0], got.gradLogitScale(), 2e-5 * Math.max(1, Math.abs(fd[2][0])), what + ": d/dt");
        } else {
            assertTrue(Double.isNaN(got.gradLogitScale()), what + ": no logit scale");
        }
    }

    /**
     * Per-element tolerances: float32 rounding relative to the largest gradient, or to the scale of
     * the terms that make up row i's gradient, β/‖z_i‖, which may cancel to 0 (d = 1).
     */
    private static double[] tolerances(LossOptions spec, Tensor z, double maxGradient) {
        int n = z.dim(0), d = z.dim(1);
        double beta = spec.kind().usesTemperature() ? 1 / spec.temperature() : 1;
        Tensor norms = Ops.rowNorms(z);
        double[] tol = new double[n * d];
        for (int i = 0; i < n; i++) {
            double norm = spec.normalizedInputs() ? 1 : Math.max(spec.eps(), norms.get(i));
            for (int j = 0; j < d; j++) {
                tol[i * d + j] = 2e-5 * Math.max(maxGradient, beta / norm);
            }
        }
        return tol;
    }

    static void assertClose(double[] expect, Tensor got, double[] tol, String what) {
        assertEquals(expect.length, got.size(), what + " size");
        for (int i = 0; i < expect.length; i++) {
            if (!(Math.abs(expect[i] - got.get(i)) <= tol[i])) {
                throw new AssertionError(what + "[" + i + "] = " + got.get(i) + ", expected " + expect[i]
                        + " (tolerance " + tol[i] + ")");
            }
        }
    }
}
