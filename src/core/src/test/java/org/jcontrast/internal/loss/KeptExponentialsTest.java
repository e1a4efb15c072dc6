package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A sweep's gradient pass weighs the exponentials its observe pass kept for the first tiles and
 * recomputes the others' (see {@link TileSweep}): the loss and every gradient bit must not depend on
 * how many tiles are kept.
 */
class KeptExponentialsTest {
    /** 2N = 84 rows in tiles of 16: 21 tiles of the symmetric sweep, 9 of CLIP's, some cut at the edge. */
    private static final int N = 42;
    private static final int D = 5;
    private static final int TILE = 16;
    private static final long TILE_FLOATS = TILE * TILE;

    private record Run(double loss, float[] gradient, int keptTiles) {
    }

    @Test
    void theLossAndItsGradientHaveTheSameBitsWhateverIsKept() {
        Tensor f = Ops.normalizeRows(Tensor.randn(new SplittableRandom(23), 2 * N, D), 1e-12f);
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 5 == 4 ? 9 : i % 3;
        }
        for (LossOptions spec : List.of(LossOptions.of(LossKind.NTXENT), LossOptions.of(LossKind.DCL),
                LossOptions.of(LossKind.DCLW).withWeightGradient(true), LossOptions.of(LossKind.SUPCON).withLabels(labels),
                LossOptions.of(LossKind.CLIP))) {
            int tiles = spec.kind() == LossKind.CLIP ? 9 : 21;
            Run none = run(spec, f, 0);
            Run some = run(spec, f, 3 * TILE_FLOATS);
            Run all = run(spec, f, Long.MAX_VALUE);
            assertEquals(0, none.keptTiles(), spec.toString());
            assertEquals(3, some.keptTiles(), spec.toString());
            assertEquals(tiles, all.keptTiles(), spec.toString());
            for (Run r : List.of(some, all)) {
                String what = spec + " with " + r.keptTiles() + " tiles kept";
                assertEquals(Double.doubleToRawLongBits(none.loss()), Double.doubleToRawLongBits(r.loss()), what);
                assertArrayEquals(none.gradient(), r.gradient(), what);
            }
        }
    }

    @Test
    void runsWithTheirOwnShiftsKeepNothing() {
        // τ = 0.01: 2M = 200 > 80, so rows and columns do not share their exponentials.
        Tensor f = Ops.normalizeRows(Tensor.randn(new SplittableRandom(29), 2 * N, D), 1e-12f);
        assertEquals(0, run(LossOptions.of(LossKind.NTXENT).withTemperature(0.01), f, Long.MAX_VALUE).keptTiles());
    }

    /** One streaming loss's observe and gradient passes, as its implementation runs them, keeping at most {@code kept} floats. */
    private static Run run(LossOptions spec, Tensor f, long kept) {
        AnchorRule rule = AnchorRule.of(spec, N, 0, spec.kind() == LossKind.DCLW ? pairs(f) : null);
        AnchorStats[] stats = FusedLoss.beginStats(rule);
        Tensor df = Tensor.zeros(2 * N, D);
        TileSweep.TileSize size = (rows, cols, width) -> TILE;
        boolean clip = spec.kind() == LossKind.CLIP;
        try (TileSweep sweep = clip ? TileSweep.rectangular(rule, f.rows(0, N), f.rows(N, 2 * N), N, size, stats, kept)
                : TileSweep.symmetric(rule, f, size, stats, kept)) {
            sweep.observe();
            double loss = StreamingStats.finish(rule, stats);
            if (clip) {
                sweep.gradient(df.rows(0, N), df.rows(N, 2 * N));
            } else {
                sweep.gradient(df, df);
            }
            return new Run(loss, df.toArray(), sweep.keptTiles());
        }
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
