package org.jcontrast.loss;

import org.jcontrast.internal.loss.ComposedLosses;
import org.jcontrast.proptest.LossCases;
import org.jcontrast.proptest.ReferenceChecks;
import org.jcontrast.testkit.Property;
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
    /*
     * Tolerances (ReferenceChecks): the float32 loss differs from float64 by the rounding of logits
     * up to 1/τ ≤ 20 in magnitude (relative ~6e-8, through d-term dot products and 2N-term sums):
     * ~1e-6 of the loss. Gradients are compared relative to the largest gradient entry of either
     * view, at least 0.1: they are softmax-weighted sums of such terms, rounded at ~1e-5 of that
     * scale; and where the exact gradient cancels (d = 1, where a normalised row cannot move), the
     * normalisation's projection leaves a float32 residue of the un-projected gradient, up to
     * ~(1/τ)/‖z‖ ≤ 40 in size, i.e. a few 1e-6. Central differences with h = 1e-6 are exact to
     * ~1e-8. The bounds leave a margin of 10 or more; a wrong term or a wrong selection is off by far more.
     */

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
        Property.forAll("composed " + kind.cliName(), TRIALS, g -> {
            LossCases.Case c = LossCases.draw(g, kind, 6, 4);
            ReferenceChecks.assertMatchesReference(c.spec() + " N=" + c.n() + " d=" + c.d(),
                    ComposedLosses.create(c.spec()), c.z1(), c.z2());
        });
    }
}
