package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.GemmKernel;
import org.jcontrast.internal.kernel.KernelProvider;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.jcontrast.testing.Providers;
import org.junit.jupiter.api.Test;

/**
 * A sweep's gradient pass weighs the exponentials its observe pass kept for the first tiles and
 * recomputes the others', and its products read operands packed once for the sweep or pack their
 * own (see {@link TileSweep}): the loss and every gradient bit must depend neither on how many tiles
 * are kept nor on what is packed.
 */
class SweepBudgetTest {
    /** 2N = 84 rows in tiles of 16: 21 tiles of the symmetric sweep, 9 of CLIP's, some cut at the edge. */
    private static final int N = 42;
    private static final int D = 5;
    private static final int TILE = 16;
    private static final long TILE_FLOATS = TILE * TILE;

    private static final List<LossOptions> SPECS = List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.DCL),
            LossOptions.of(LossKind.DCLW).withWeightGradient(true), LossOptions.of(LossKind.SUPCON).withLabels(labels()),
            LossOptions.of(LossKind.CLIP));

    private record Run(double loss, float[] gradient, int keptTiles, boolean packsOperands, boolean packedBlocks) {
    }

    /** With the plain-Java kernels and the vector kernels at every width. */
    @Test
    void theLossAndItsGradientHaveTheSameBitsWhateverIsKept() throws Exception {
        Tensor f = Ops.normalizeRows(Tensor.randn(new SplittableRandom(23), 2 * N, D), 1e-12f);
        for (KernelProvider kernels : Providers.all()) {
            Contexts.withKernels(kernels, () -> {
                for (LossOptions spec : SPECS) {
                    int tiles = spec.kind() == LossKind.CLIP ? 9 : 21;
                    Run none = run(spec, f, new TileSweep.Budget(TileSweep.MAX_PACKED_FLOATS, 0));
                    Run some = run(spec, f, new TileSweep.Budget(TileSweep.MAX_PACKED_FLOATS, 3 * TILE_FLOATS));
                    Run all = run(spec, f, new TileSweep.Budget(TileSweep.MAX_PACKED_FLOATS, Long.MAX_VALUE));
                    String at = spec + " with " + Providers.label(kernels);
                    assertEquals(List.of(0, 3, tiles), List.of(none.keptTiles(), some.keptTiles(), all.keptTiles()), at);
                    for (Run r : List.of(some, all)) {
                        String what = at + " with " + r.keptTiles() + " tiles kept";
                        assertEquals(Double.doubleToRawLongBits(none.loss()), Double.doubleToRawLongBits(r.loss()), what);
                        assertArrayEquals(none.gradient(), r.gradient(), what);
                    }
                }
            });
        }
    }

    /**
     * At every vector width: nothing packed, only the operands of S (the budget just holds them), or
     * those and the gradient products' blocks too.
     */
    @Test
    void theLossAndItsGradientHaveTheSameBitsWhateverIsPacked() throws Exception {
        Tensor f = Ops.normalizeRows(Tensor.randn(new SplittableRandom(37), 2 * N, D), 1e-12f);
        assertTrue(!KernelProvider.vectorWidths().isEmpty(), "the vector kernels, which pack, are loaded");
        for (int bits : KernelProvider.vectorWidths()) {
            Contexts.withKernels(KernelProvider.vector(bits), () -> {
                GemmKernel gemm = Context.current().kernels().gemm();
                for (LossOptions spec : SPECS) {
                    long operands = spec.kind() == LossKind.CLIP
                            ? 2 * gemm.packedSize(N, D)
                            : gemm.packedSize(2 * N, D);
                    Run none = run(spec, f, new TileSweep.Budget(0, 0));
                    Run some = run(spec, f, new TileSweep.Budget(operands, 0));
                    Run all = run(spec, f, new TileSweep.Budget(Long.MAX_VALUE, 0));
                    String what = spec + " at " + bits + " bits";
                    assertEquals(List.of(false, false, true, false, true, true), List.of(none.packsOperands(),
                            none.packedBlocks(), some.packsOperands(), some.packedBlocks(), all.packsOperands(),
                            all.packedBlocks()), what);
                    for (Run r : List.of(some, all)) {
                        assertEquals(Double.doubleToRawLongBits(none.loss()), Double.doubleToRawLongBits(r.loss()),
                                what);
                        assertArrayEquals(none.gradient(), r.gradient(), what + (r == all ? ", blocks packed" : ""));
                    }
                }
            });
        }
    }

    /** The engine's loss cache sets how many tiles are kept: none, three of 16 × 16 floats, or all 21. */
    @Test
    void theEnginesLossCacheSetsTheKeptTiles() throws Exception {
        Tensor f = Ops.normalizeRows(Tensor.randn(new SplittableRandom(31), 2 * N, D), 1e-12f);
        LossOptions spec = LossOptions.of(LossKind.NTXENT);
        for (long[] bytesAndTiles : new long[][] {{0, 0}, {3 * TILE_FLOATS * Float.BYTES + 5, 3}, {1L << 40, 21}}) {
            Contexts.withLossCache(bytesAndTiles[0], () -> {
                TileSweep.Budget budget = TileSweep.Budget.of(Context.current());
                assertEquals(bytesAndTiles[1], run(spec, f, budget).keptTiles(), bytesAndTiles[0] + " bytes");
                assertTrue(budget.keptFloats() * Float.BYTES <= Runtime.getRuntime().maxMemory() / 4,
                        "at most a quarter of the heap: " + budget);
            });
        }
    }

    @Test
    void runsWithTheirOwnShiftsKeepNothing() {
        // τ = 0.01: 2M = 200 > 80, so rows and columns do not share their exponentials.
        Tensor f = Ops.normalizeRows(Tensor.randn(new SplittableRandom(29), 2 * N, D), 1e-12f);
        assertEquals(0, run(LossOptions.of(LossKind.NTXENT).withTemperature(0.01), f,
                new TileSweep.Budget(TileSweep.MAX_PACKED_FLOATS, Long.MAX_VALUE)).keptTiles());
    }

    /** One streaming loss's observe and gradient passes, as its implementation runs them, within {@code budget}. */
    private static Run run(LossOptions spec, Tensor f, TileSweep.Budget budget) {
        AnchorRule rule = AnchorRule.of(spec, N, 0, spec.kind() == LossKind.DCLW ? pairs(f) : null);
        AnchorStats[] stats = FusedLoss.beginStats(rule);
        Tensor df = Tensor.zeros(2 * N, D);
        TileSweep.TileSize size = (rows, cols, width) -> TILE;
        boolean clip = spec.kind() == LossKind.CLIP;
        try (TileSweep sweep = clip ? TileSweep.rectangular(rule, f.rows(0, N), f.rows(N, 2 * N), N, size, stats, budget)
                : TileSweep.symmetric(rule, f, size, stats, budget)) {
            sweep.observe();
            double loss = StreamingStats.finish(rule, stats);
            if (clip) {
                sweep.gradient(df.rows(0, N), df.rows(N, 2 * N));
            } else {
                sweep.gradient(df, df);
            }
            return new Run(loss, df.toArray(), sweep.keptTiles(), sweep.packsOperands(), sweep.packedBlocks());
        }
    }

    private static int[] labels() {
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 5 == 4 ? 9 : i % 3;
        }
        return labels;
    }

    private static float[] pairs(Tensor f) {
        float[] a = f.toArray();
        float[] c = new float[N];
        for (int i = 0; i < N; i++) {
            for (int k = 0; k < D; k++) {
                c[i] += a[i * D + k] * a[(i + N) * D + k];
            }
        }
        return c;
    }
}
