package org.jcontrast.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jcontrast.Engine;
import org.jcontrast.Simd;
import org.jcontrast.internal.kernel.KernelProvider;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every loss, in every mode, gives the same bits (loss and gradients) at every vector width this
 * CPU has, for one thread count: so an AVX2 machine reproduces an AVX-512 machine's numbers.
 */
class VectorWidthBitsTest {

    static Stream<Arguments> lossesAndModes() {
        List<Arguments> cases = new ArrayList<>();
        for (LossKind kind : LossKind.values()) {
            for (LossMode mode : LossMode.values()) {
                cases.add(Arguments.of(kind, mode));
            }
        }
        return cases.stream();
    }

    private static LossSpec spec(LossKind kind) {
        LossSpec.Builder b = LossSpec.builder(kind);
        if (kind.selectsNegatives()) {
            b.selection(Selection.topK(5));
        }
        return b.build();
    }

    private static BatchInputs inputs(LossKind kind, int n, int d) {
        return switch (kind) {
            case SUPCON -> BatchInputs.labels(new SplittableRandom(3).ints(n, 0, 6).toArray());
            case INFONCE -> BatchInputs.bank(MemoryBank.randomUnit(50, d, 4));
            default -> BatchInputs.none();
        };
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("lossesAndModes")
    void sameBitsAtEveryVectorWidth(LossKind kind, LossMode mode) {
        List<Integer> widths = KernelProvider.vectorWidths();
        assertTrue(widths.size() >= 1, "the Vector API kernels are loaded in the tests");
        // Sizes off every vector multiple, and tiles smaller than the batch, so that tails and tile edges count.
        for (int[] shape : new int[][] {{37, 45}, {70, 128}}) {
            int n = shape[0], d = shape[1];
            SplittableRandom r = new SplittableRandom(n * 31L + d);
            Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
            LossResult first = null;
            for (int bits : widths) {
                try (Engine e = Engine.builder().simd(Simd.VECTOR).vectorSize(bits).threads(2).tile(32).build()) {
                    LossResult got = Losses.create(spec(kind), mode, e).compute(z1, z2, inputs(kind, n, d));
                    String where = kind + " " + mode + " " + n + "x" + d + " at " + bits + " bits";
                    assertTrue(Double.isFinite(got.loss()), where);
                    if (first == null) {
                        first = got;
                    } else {
                        assertEquals(Double.doubleToRawLongBits(first.loss()), Double.doubleToRawLongBits(got.loss()),
                                where + ": loss " + got.loss() + " against " + first.loss());
                        assertSameBits(first.grad1(), got.grad1(), where + ", grad1");
                        assertSameBits(first.grad2(), got.grad2(), where + ", grad2");
                    }
                }
            }
        }
    }

    private static void assertSameBits(Tensor want, Tensor got, String where) {
        float[] w = want.toArray(), g = got.toArray();
        assertEquals(w.length, g.length, where);
        for (int i = 0; i < w.length; i++) {
            if (Float.floatToRawIntBits(w[i]) != Float.floatToRawIntBits(g[i])) {
                throw new AssertionError(where + " differs at " + i + ": " + g[i] + " against " + w[i]);
            }
        }
    }
}
