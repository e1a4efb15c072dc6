package org.jcontrast.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The streaming engine against the materialised kernels for every loss and option, with tiles from
 * 1×1 up to larger than the batch (so N is rarely a multiple of the tile), and its errors.
 */
class StreamingLossesTest {
    private static final int[] TILES = {1, 2, 3, 5, 8, 64};

    /** Every spec of the materialised tests, plus SupCon and InfoNCE, for N rows per view. */
    static List<LossSpec> specs(int n, int d, SplittableRandom r) {
        List<LossSpec> s = new ArrayList<>(FusedLossesTest.specs());
        int[] labels = r.ints(n, 0, Math.max(1, n / 3)).toArray();
        s.add(LossSpec.of(LossKind.SUPCON).withLabels(labels));
        s.add(LossSpec.of(LossKind.SUPCON).withLabels(labels).withRescale(false).withTemperature(0.1));
        MemoryBank bank = new MemoryBank(13, d);
        bank.enqueue(Tensor.randn(r, 11, d));
        s.add(LossSpec.of(LossKind.INFONCE).withBank(bank));
        s.add(LossSpec.of(LossKind.INFONCE).withBank(bank).withSymmetric(true).withTemperature(0.07));
        return s;
    }

    @Test
    void everyLossStreamsAsItMaterialises() {
        SplittableRandom r = new SplittableRandom(21);
        for (int[] shape : new int[][] {{2, 3}, {7, 5}, {13, 4}}) {
            int n = shape[0], d = shape[1];
            Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
            for (LossSpec spec : specs(n, d, r)) {
                LossResult want = Losses.create(spec, LossMode.MATERIALIZED).compute(z1, z2);
                for (int tile : TILES) {
                    LossResult got = Losses.create(spec, LossMode.STREAMING, tile).compute(z1, z2);
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
                () -> Losses.create(LossSpec.of(LossKind.NTXENT), LossMode.STREAMING, 0));
        assertTrue(e.getMessage().contains("tile size must be positive, got 0"), e.getMessage());
    }
}
