package org.jcontrast.proptest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.jcontrast.testing.GradientCheck;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/**
 * The streaming engine equals the materialised kernels under every option {@link LossCases} draws
 * (the cross negative set, top-K and quantile selections, DCLW's weight gradient and clamp, SupCon
 * labels, InfoNCE banks), on random shapes with random tiles from 1×1 up, so that N is mostly not
 * a multiple of the tile and a batch spans many tiles; and on a random thread count.
 */
class StreamingLossPropertiesTest {
    /**
     * Both are float32 from the same kernels, summed in other orders: ~1e-6 of the loss, and of the
     * gradients' terms, which are O(1) (at least 0.1) even where they cancel (d = 1).
     */
    private static final double VALUE_TOL = 1e-5;
    private static final double GRAD_TOL = 2e-5;
    private static final double GRAD_FLOOR = 0.1;

    @Test
    void streamingEqualsMaterialisedForEveryLoss() {
        for (LossKind kind : LossKind.values()) {
            Prop.forAll("streaming = materialised, " + kind.cliName(), 25, g -> {
                LossCases.Case c = LossCases.draw(g, kind, 14, 5);
                LossOptions spec = c.spec();
                Tensor z1 = c.z1(), z2 = c.z2();
                int n = c.n(), d = c.d();
                int tile = g.intIn(1, 9);
                int threads = g.intIn(1, 3);
                String what = spec + " N=" + n + " d=" + d + " tile=" + tile + " threads=" + threads;
                LossResult want = LossFactory.create(spec, LossMode.MATERIALIZED).compute(z1, z2);
                LossResult[] got = new LossResult[1];
                Contexts.withThreads(threads,
                        () -> got[0] = LossFactory.create(spec, LossMode.STREAMING, tile).compute(z1, z2));
                assertSame(what, want, got[0]);
            });
        }
    }

    @Test
    void streamingEqualsTheReference() {
        Prop.forAll("streaming = reference", 60, g -> {
            LossCases.Case c = LossCases.draw(g, null, 6, 4);
            LossOptions spec = c.spec();
            Tensor z1 = c.z1(), z2 = c.z2();
            int n = c.n(), d = c.d();
            LossResult got = LossFactory.create(spec, LossMode.STREAMING, g.intIn(1, 4)).compute(z1, z2);
            double[] x1 = z1.toDoubleArray(), x2 = z2.toDoubleArray();
            String what = spec + " N=" + n + " d=" + d;
            double ref = ReferenceLosses64.loss(spec, x1, x2, n, d);
            assertEquals(ref, got.loss(), 1e-5 * Math.max(1, Math.abs(ref)), what + ": loss");
            double[][] fd = ReferenceLosses64.gradient(spec, x1, x2, n, d, 1e-6);
            double scale = Math.max(GRAD_FLOOR, Math.max(maxAbs(fd[0]), maxAbs(fd[1])));
            GradientCheck.assertClose(what + ": grad1", fd[0], got.grad1(), 2e-4, scale);
            GradientCheck.assertClose(what + ": grad2", fd[1], got.grad2(), 2e-4, scale);
        });
    }

    private static void assertSame(String what, LossResult want, LossResult got) {
        assertEquals(want.loss(), got.loss(), VALUE_TOL * Math.max(1, Math.abs(want.loss())), what + ": loss");
        double[] w1 = want.grad1().toDoubleArray(), w2 = want.grad2().toDoubleArray();
        double scale = Math.max(GRAD_FLOOR, Math.max(maxAbs(w1), maxAbs(w2)));
        GradientCheck.assertClose(what + ": grad1", w1, got.grad1(), GRAD_TOL, scale);
        GradientCheck.assertClose(what + ": grad2", w2, got.grad2(), GRAD_TOL, scale);
        if (Double.isNaN(want.gradLogitScale())) {
            assertTrue(Double.isNaN(got.gradLogitScale()), what + ": no logit scale");
        } else {
            assertEquals(want.gradLogitScale(), got.gradLogitScale(),
                    GRAD_TOL * Math.max(1, Math.abs(want.gradLogitScale())), what + ": d/dt");
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
