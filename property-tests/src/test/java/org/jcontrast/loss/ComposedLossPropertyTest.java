package org.jcontrast.loss;

import java.util.Arrays;
import org.jcontrast.internal.loss.ComposedLosses;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.proptest.LossCases;
import org.jcontrast.proptest.Prop;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.GradientCheck;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/**
 * Every composed loss, with random options, against the float64 reference: its value, and its
 * gradients against the reference's central differences (with the selection and DCLW's detached
 * weight frozen at the point, as the analytic gradient treats them).
 *
 * <p>Inputs come from {@link LossCases}, away from the points where the loss is not
 * differentiable or the float32 selection could legitimately differ from the float64 one.
 */
class ComposedLossPropertyTest {
    private static final int TRIALS = 20;
    /**
     * The float32 loss differs from float64 by the rounding of logits up to 1/τ ≤ 20 in magnitude
     * (relative ~6e-8, through d-term dot products and 2N-term sums): ~1e-6 of the loss.
     * Gradients are compared relative to the largest gradient entry of either view, at least 0.1:
     * they are softmax-weighted sums of such terms, rounded at ~1e-5 of that scale; and where the
     * exact gradient cancels (d = 1, where a normalised row cannot move), the normalisation's
     * projection leaves a float32 residue of the un-projected gradient, up to ~(1/τ)/‖z‖ ≤ 40 in
     * size, i.e. a few 1e-6. Central differences with h = 1e-6 are exact to ~1e-8. The bounds leave
     * a margin of 10 or more; a wrong term or a wrong selection is off by far more.
     */
    private static final double VALUE_TOL = 1e-5;
    private static final double GRAD_TOL = 2e-4;
    private static final double GRAD_FLOOR = 0.1;
    private static final double H = 1e-6;

    @Test
    void ntXent() {
        checkKind(LossKind.NTXENT);
    }

    @Test
    void dcl() {
        checkKind(LossKind.DCL);
    }

    @Test
    void dclw() {
        checkKind(LossKind.DCLW);
    }

    @Test
    void hard() {
        checkKind(LossKind.HARD);
    }

    @Test
    void simple() {
        checkKind(LossKind.SIMPLE);
    }

    @Test
    void hardSimple() {
        checkKind(LossKind.HARDSIMPLE);
    }

    @Test
    void infoNce() {
        checkKind(LossKind.INFONCE);
    }

    @Test
    void supCon() {
        checkKind(LossKind.SUPCON);
    }

    @Test
    void clip() {
        checkKind(LossKind.CLIP);
    }

    private static void checkKind(LossKind kind) {
        Prop.forAll("composed " + kind.cliName(), TRIALS, g -> {
            LossCases.Case c = LossCases.draw(g, kind, 6, 4);
            LossOptions spec = c.spec();
            Tensor z1 = c.z1(), z2 = c.z2();
            int n = c.n(), d = c.d();
            LossResult r = ComposedLosses.create(spec).compute(z1, z2);
            double[] x1 = z1.toDoubleArray(), x2 = z2.toDoubleArray();
            String what = spec + " N=" + n + " d=" + d;
            double expected = ReferenceLosses64.loss(spec, x1, x2, n, d);
            if (!(Math.abs(r.loss() - expected) <= VALUE_TOL * Math.max(1, Math.abs(expected)))) {
                throw new AssertionError(what + ": loss " + r.loss() + ", expected " + expected);
            }
            double[][] fd = ReferenceLosses64.gradient(spec, x1, x2, n, d, H);
            double scale = GRAD_FLOOR;
            for (double v : concat(fd[0], fd[1])) {
                scale = Math.max(scale, Math.abs(v));
            }
            // one scale for both views: a view whose gradient is small is still rounded at the other's scale
            GradientCheck.assertClose(what + " ∂/∂z1", fd[0], r.grad1(), GRAD_TOL, scale);
            GradientCheck.assertClose(what + " ∂/∂z2", fd[1], r.grad2(), GRAD_TOL, scale);
            if (kind == LossKind.CLIP) {
                double err = Math.abs(r.gradLogitScale() - fd[2][0]);
                if (!(err <= GRAD_TOL * Math.max(1, Math.abs(fd[2][0])))) {
                    throw new AssertionError(what + ": ∂/∂t " + r.gradLogitScale() + ", expected " + fd[2][0]);
                }
            }
        });
    }

    private static double[] concat(double[] a, double[] b) {
        double[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
