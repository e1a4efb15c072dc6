package org.jcontrast.proptest;

import java.util.List;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.loss.LossImplementation;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.ReferenceLosses64;
import org.jcontrast.testkit.GradCheck;
import org.jcontrast.testkit.GradReport;
import org.jcontrast.testkit.Tolerance;

/**
 * The loss implementations held to the float64 reference with the test kit: the value, the
 * gradients against central differences of the reference with the selection and DCLW's detached
 * weight frozen at the point (as the analytic gradient treats them), and CLIP's ∂/∂t.
 */
public final class ReferenceChecks {
    /**
     * Float32 against float64: gradients within 2e-4 of one scale for both views, the largest entry
     * of either (at least 0.1): float32 rounds them at ~1e-5 of that, even where they cancel (d = 1,
     * where the normalisation's projection leaves a residue of the un-projected gradient).
     */
    public static final Tolerance GRADIENTS = new Tolerance(2e-4, 1, 0.1);
    /** Float32 against float64: the loss within 1e-5 of max(1, |L|). */
    public static final double VALUE_TOL = 1e-5;

    private ReferenceChecks() {
    }

    /** {@code impl} at (z1, z2) against the reference, under {@link #GRADIENTS}. */
    public static void assertMatchesReference(String what, LossImplementation impl, Tensor z1, Tensor z2) {
        assertMatchesReference(what, impl, z1, z2, VALUE_TOL, GRADIENTS);
    }

    /** {@code impl} at (z1, z2) against the reference: the loss within {@code valueTol} of max(1, |L|), gradients under {@code tol}. */
    public static void assertMatchesReference(String what, LossImplementation impl, Tensor z1, Tensor z2,
                                              double valueTol, Tolerance tol) {
        LossOptions spec = impl.options();
        int n = z1.dim(0), d = z1.dim(1);
        double[] x1 = z1.toDoubleArray(), x2 = z2.toDoubleArray();
        ReferenceLosses64.Frozen frozen = ReferenceLosses64.freeze(spec, x1, x2, n, d);
        double t = Math.log(1 / spec.temperature());
        LossResult got = impl.compute(z1, z2);
        double ref = frozen.value(x1, x2, t);
        if (!(Math.abs(got.loss() - ref) <= valueTol * Math.max(1, Math.abs(ref)))) {
            throw new AssertionError(what + ": loss " + got.loss() + ", expected " + ref);
        }
        GradCheck.of((a, b, batch) -> got).named(what).tolerance(tol)
                .reference(x -> new double[] {frozen.value(x[0], x[1], t)}).check(z1, z2).orThrow();
        if (spec.kind() == LossKind.CLIP) {
            // ∂/∂t: the result's gradient as the backward of a function of t, against the reference in t.
            GradCheck.of(v -> Variable.fromOp("clip(t)", Tensor.scalar((float) got.loss()), List.of(v[0]), List.of(),
                            g -> new Tensor[] {Tensor.scalar((float) (g.item() * got.gradLogitScale()))}))
                    .named(what + " ∂/∂t").tolerance(tol.withRowFloor(0).withAbsoluteFloor(1))
                    .reference(x -> new double[] {frozen.value(x1, x2, x[0][0])}).check(Tensor.scalar((float) t))
                    .orThrow();
        } else if (!Double.isNaN(got.gradLogitScale())) {
            throw new AssertionError(what + ": a logit-scale gradient " + got.gradLogitScale() + " for " + spec.kind());
        }
    }

    /** The same loss (within {@code valueTol} of max(1, |L|)), gradients (under {@code tol}) and logit-scale gradient. */
    public static void assertSameResult(String what, LossResult expected, LossResult got, double valueTol,
                                        Tolerance tol) {
        if (!(Math.abs(expected.loss() - got.loss()) <= valueTol * Math.max(1, Math.abs(expected.loss())))) {
            throw new AssertionError(what + ": loss " + got.loss() + ", expected " + expected.loss());
        }
        GradReport.compare(what, tol, List.of(
                GradReport.Input.of("grad1", got.grad1(), expected.grad1().toDoubleArray()),
                GradReport.Input.of("grad2", got.grad2(), expected.grad2().toDoubleArray()))).orThrow();
        double e = expected.gradLogitScale(), g = got.gradLogitScale();
        if (Double.isNaN(e) != Double.isNaN(g) || !Double.isNaN(e) && !(Math.abs(e - g) <= tol.relative() * Math.max(1, Math.abs(e)))) {
            throw new AssertionError(what + ": d/dt " + g + ", expected " + e);
        }
    }
}
