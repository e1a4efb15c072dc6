package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/**
 * Rows whose squared norm float32 cannot hold (elements near 1e20 overflow it, near 1e-20
 * underflow it) give the float64 reference's loss, and gradients that scale as 1/s: a loss of
 * normalised rows does not change when a row is multiplied by s, so its gradient divides by s.
 */
class ExtremeScaleLossesTest {
    private static final float[] SCALES = {1e20f, 1e-20f, 1e30f, 1e-30f, 1e-33f, 1f};

    @Test
    void everyEngineMatchesTheFloat64ReferenceAtExtremeScales() {
        int n = 6, d = 5;
        SplittableRandom r = new SplittableRandom(17);
        Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
        for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.CLIP),
                LossOptions.of(LossKind.HARD).withTopK(2))) {
            double[][] unit = ReferenceLosses64.gradient(spec, z1.toDoubleArray(), z2.toDoubleArray(), n, d, 1e-6);
            double ref = ReferenceLosses64.loss(spec, z1.toDoubleArray(), z2.toDoubleArray(), n, d);
            for (int shift = 0; shift < SCALES.length; shift++) {
                float[] s1 = rowScales(n, shift), s2 = rowScales(n, shift + 1);
                Tensor x1 = scaleRows(z1, s1), x2 = scaleRows(z2, s2);
                for (LossImplementation loss : List.of(LossFactory.create(spec, LossMode.MATERIALIZED),
                        LossFactory.create(spec, LossMode.STREAMING, 2), LossFactory.create(spec, LossMode.COMPOSED))) {
                    String what = spec + " " + loss.getClass().getSimpleName() + " shift " + shift;
                    LossResult got = loss.compute(x1, x2);
                    assertEquals(ref, got.loss(), 1e-5 * Math.max(1, Math.abs(ref)), what + ": loss");
                    assertScaledGradient(unit[0], got.grad1(), s1, d, what + ": grad1");
                    assertScaledGradient(unit[1], got.grad2(), s2, d, what + ": grad2");
                }
            }
        }
    }

    /** Row i gets SCALES[(i + shift) % length]. */
    private static float[] rowScales(int n, int shift) {
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            s[i] = SCALES[(i + shift) % SCALES.length];
        }
        return s;
    }

    private static Tensor scaleRows(Tensor z, float[] s) {
        Tensor out = z.copy();
        for (int i = 0; i < z.dim(0); i++) {
            for (int j = 0; j < z.dim(1); j++) {
                out.set(i, j, (float) ((double) z.get(i, j) * s[i]));
            }
        }
        return out;
    }

    /** got·s against the unscaled reference gradient, within a small part of the largest component. */
    private static void assertScaledGradient(double[] unit, Tensor got, float[] s, int d, String what) {
        double max = 0;
        for (double v : unit) {
            max = Math.max(max, Math.abs(v));
        }
        for (int k = 0; k < unit.length; k++) {
            double back = (double) got.get(k / d, k % d) * s[k / d];
            assertEquals(unit[k], back, 1e-4 * max, what + " at " + k);
        }
    }
}
