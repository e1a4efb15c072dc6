package org.jcontrast.proptest;

import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.jcontrast.testkit.Property;
import org.jcontrast.testkit.Tolerance;
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
    private static final Tolerance SAME_KERNELS = ReferenceChecks.GRADIENTS.withRelative(2e-5);

    @Test
    void streamingEqualsMaterialisedForEveryLoss() {
        for (LossKind kind : LossKind.values()) {
            Property.forAll("streaming = materialised, " + kind.cliName(), 25, g -> {
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
        Property.forAll("streaming = reference", 60, g -> {
            LossCases.Case c = LossCases.draw(g, null, 6, 4);
            LossOptions spec = c.spec();
            Tensor z1 = c.z1(), z2 = c.z2();
            int n = c.n(), d = c.d();
            ReferenceChecks.assertMatchesReference(spec + " N=" + n + " d=" + d,
                    LossFactory.create(spec, LossMode.STREAMING, g.intIn(1, 4)), z1, z2);
        });
    }

    private static void assertSame(String what, LossResult want, LossResult got) {
        ReferenceChecks.assertSameResult(what, want, got, VALUE_TOL, SAME_KERNELS);
    }
}
