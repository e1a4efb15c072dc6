package org.jcontrast.internal.loss;

import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.tensor.Tensor;

/**
 * Adding a matrix's transpose, which turns per-anchor ∂L/∂s rows into the gradient of the
 * similarity matrix when each similarity is seen by two anchors (s_ab = s_ba). Blocked so that the
 * column-wise accesses stay in cache.
 */
final class Transposes {
    private static final int BLOCK = 64;
    /** Below this many rows the work runs on the calling thread. */
    private static final int PARALLEL_ROWS = 256;

    private Transposes() {
    }

    /**
     * g ← g + gᵀ for a square matrix, in place. Off the diagonal, block (I, J) gains block (J, I)
     * transposed and is then copied back transposed, by the vector kernel's 8×8 transposes: walking
     * a column element by element, each step a row (often exactly a 4 KiB page) further, evicts
     * itself from L1, since such addresses share a cache set (the SimCLR step's 1024² matrix spent
     * a tenth of its time here). The sums are the same bits either way.
     */
    static void symmetrize(Tensor g) {
        int n = g.dim(0);
        float[] x = g.array();
        int o = g.offset();
        // Bands of equal triangle area; a band's thread owns the pairs (i, j), j ≤ i, of its rows i,
        // so no two threads touch the same entry.
        int bands = n < PARALLEL_ROWS ? 1 : Parallel.threads() * 4;
        Parallel.forTasks(bands, t -> {
            ArrayKernel k = Context.current().kernels().array();
            int from = Parallel.triangleBandEdge(n, t, bands), to = Parallel.triangleBandEdge(n, t + 1, bands);
            for (int i0 = from; i0 < to; i0 += BLOCK) {
                int rows = Math.min(to, i0 + BLOCK) - i0;
                for (int j0 = 0; j0 < i0; j0 += BLOCK) {
                    int cols = Math.min(BLOCK, i0 - j0);
                    k.transpose(x, o + j0 * n + i0, n, cols, rows, x, o + i0 * n + j0, n, true);
                    k.transpose(x, o + i0 * n + j0, n, rows, cols, x, o + j0 * n + i0, n, false);
                }
                for (int i = i0; i < i0 + rows; i++) {
                    for (int j = i0; j < i; j++) {
                        float v = x[o + i * n + j] + x[o + j * n + i];
                        x[o + i * n + j] = v;
                        x[o + j * n + i] = v;
                    }
                    x[o + i * n + i] *= 2;
                }
            }
        });
        g.markModified();
    }

    /** a ← a + bᵀ for square matrices of one size. */
    static void addTransposed(Tensor a, Tensor b) {
        int n = a.dim(0);
        float[] x = a.array(), y = b.array();
        int ao = a.offset(), bo = b.offset();
        Parallel.forRange(n, n < PARALLEL_ROWS ? n : BLOCK, (from, to) ->
                Context.current().kernels().array().transpose(y, bo + from, n, n, to - from, x, ao + from * n, n, true));
        a.markModified();
    }
}
