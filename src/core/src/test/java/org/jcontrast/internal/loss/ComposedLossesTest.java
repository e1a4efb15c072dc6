package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/**
 * One configuration of every loss against the float64 reference, value and gradient, on the kernel
 * path of this JVM (the suite runs once per path). The property tests vary the options.
 */
class ComposedLossesTest {
    private static final int N = 5;
    private static final int D = 4;

    private static List<LossOptions> specs() {
        MemoryBank bank = new MemoryBank(6, D);
        bank.enqueue(Tensor.randn(new SplittableRandom(9), 6, D));
        return List.of(
                LossOptions.of(LossKind.NTXENT),
                LossOptions.of(LossKind.DCL),
                LossOptions.of(LossKind.DCLW).withSigma(0.3).withClampWeight(true),
                LossOptions.of(LossKind.DCLW).withWeightGradient(true),
                LossOptions.of(LossKind.HARD).withTopK(3),
                LossOptions.of(LossKind.HARD).withQuantile(0.4).withNegativeSet(NegativeSet.CROSS),
                LossOptions.of(LossKind.SIMPLE),
                LossOptions.of(LossKind.HARDSIMPLE).withQuantile(0.5).withLambda(0.3),
                LossOptions.of(LossKind.INFONCE).withBank(bank).withSymmetric(true),
                LossOptions.of(LossKind.SUPCON).withLabels(new int[] {0, 1, 0, 2, 1}),
                LossOptions.of(LossKind.CLIP));
    }

    @Test
    void everyKindMatchesTheFloat64ReferenceInValueAndGradient() {
        SplittableRandom random = new SplittableRandom(42);
        for (LossOptions spec : specs()) {
            Tensor z1 = Tensor.randn(random, N, D);
            Tensor z2 = Tensor.randn(random, N, D);
            LossResult r = ComposedLosses.create(spec).compute(z1, z2);
            double[] x1 = z1.toDoubleArray(), x2 = z2.toDoubleArray();
            // float32 logits of size ≤ 1/τ, rounded at ~1e-7 relative, against float64 (see the property tests)
            assertEquals(ReferenceLosses64.loss(spec, x1, x2, N, D), r.loss(), 1e-4, spec + " value");
            double[][] fd = ReferenceLosses64.gradient(spec, x1, x2, N, D, 1e-6);
            FusedLossesTest.assertClose(fd[0], r.grad1(), withinScale(fd[0]), spec + " ∂/∂z1");
            FusedLossesTest.assertClose(fd[1], r.grad2(), withinScale(fd[1]), spec + " ∂/∂z2");
            if (spec.kind() == LossKind.CLIP) {
                assertEquals(fd[2][0], r.gradLogitScale(), 1e-3 * Math.max(1, Math.abs(fd[2][0])), "∂/∂t");
            } else {
                assertTrue(Double.isNaN(r.gradLogitScale()), spec + " has no logit scale");
            }
        }
    }

    @Test
    void clipTakesALearnableLogitScale() {
        LossOptions clip = LossOptions.of(LossKind.CLIP);
        Tensor z1 = Tensor.randn(new SplittableRandom(1), N, D);
        Tensor z2 = Tensor.randn(new SplittableRandom(2), N, D);
        Variable t = Variable.parameter(Tensor.scalar(2f));
        Variable loss = ComposedLosses.build(clip, Variable.parameter(z1), Variable.parameter(z2), t);
        loss.backward();
        // the same loss as a spec with τ = e^−2
        LossResult r = ComposedLosses.compute(clip.withTemperature(Math.exp(-2)), z1, z2);
        assertEquals(r.loss(), loss.value().item(), 1e-5);
        assertEquals(r.gradLogitScale(), t.grad().item(), 1e-5);
    }

    @Test
    void badInputIsRejectedBeforeAnythingIsComputed() {
        Tensor ok = Tensor.randn(new SplittableRandom(3), N, D);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ComposedLosses.create(LossOptions.of(LossKind.NTXENT)).compute(ok, Tensor.zeros(N, D + 1)));
        assertTrue(e.getMessage().contains("same shape"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ComposedLosses.build(LossOptions.of(LossKind.DCL),
                Variable.parameter(ok), Variable.parameter(ok), Variable.parameter(Tensor.scalar(1f))));
        assertTrue(e.getMessage().contains("clip only"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> ComposedLosses.build(LossOptions.of(LossKind.CLIP),
                Variable.parameter(ok), Variable.parameter(ok), Variable.parameter(Tensor.zeros(2))));
        assertTrue(e.getMessage().contains("single value"), e.getMessage());
    }

    /** 1e-3 of the largest entry (at least 1e-3), for every entry: float32 rounding with a margin. */
    private static double[] withinScale(double[] expected) {
        double scale = 1e-3;
        for (double e : expected) {
            scale = Math.max(scale, Math.abs(e));
        }
        double[] tol = new double[expected.length];
        java.util.Arrays.fill(tol, 1e-3 * scale);
        return tol;
    }
}
