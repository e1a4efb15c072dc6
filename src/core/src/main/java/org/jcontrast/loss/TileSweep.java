package org.jcontrast.loss;

import java.util.concurrent.CancellationException;
import org.jcontrast.backend.GemmRouter;
import org.jcontrast.kernel.ArrayKernel;
import org.jcontrast.kernel.GemmKernel;
import org.jcontrast.kernel.KernelProvider;
import org.jcontrast.kernel.Parallel;
import org.jcontrast.tensor.Tensor;

/**
 * The passes of the streaming losses over a similarity matrix S = R·Cᵀ that is never held whole.
 * Each tile of S is computed into a per-thread buffer by the GPU backend when the global
 * {@link GemmRouter} takes the product, else by the CPU's GEMM kernel. Its rows are runs of the
 * row anchors' rows; when the columns are anchors too (one tower, CLIP's texts), the tile is also
 * transposed once so that its columns become runs of the column anchors' rows, and both sides go
 * through the same run-level {@link AnchorRule} API. A pass visits the tiles in the rounds of a
 * {@link TileSchedule}:
 *
 * <ul>
 *   <li>{@link #select}: offers every anchor's candidate negatives to {@link CandidateHeaps};</li>
 *   <li>{@link #observe}: merges every run into its anchor's {@link AnchorStats};</li>
 *   <li>{@link #gradient}: recomputes each tile, turns its runs into ∂L/∂s, adds the column
 *       anchors' part transposed (H = G_rows + G_colsᵀ, since s_ab is seen by a and by b) and
 *       accumulates ∂L/∂R_i += H·C_j and ∂L/∂C_j += Hᵀ·R_i.</li>
 * </ul>
 *
 * <p>A one-tower matrix (R = C = F) is symmetric: only tiles i ≤ j are visited, and a diagonal
 * tile holds whole runs of its row anchors only, its H being G + Gᵀ. Memory beyond the inputs and
 * the statistics is two tile buffers per thread. The caller's interrupt stops a pass between rounds
 * with a {@link CancellationException}; no work of the pass is left running.
 *
 * <p>A product sent to the GPU moves its operands there and its result back each time: R and C are
 * not kept on the device between tiles or passes.
 */
final class TileSweep {
    /** The tile size of a sweep over a rows × cols similarity matrix of embeddings of a width. */
    @FunctionalInterface
    interface TileSize {
        int of(int rows, int cols, int width);
    }

    /** Per-thread tile buffers, kept across sweeps and grown when a larger tile asks for them. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][0]);

    private final AnchorRule rule;
    private final Tensor rows;
    private final Tensor cols;
    private final boolean symmetric;
    /** Anchor of column 0, or −1 when the columns are not anchors (InfoNCE's bank). */
    private final int colAnchor0;
    private final int tile;
    private final AnchorStats[] stats;
    private final TileSchedule schedule;

    private TileSweep(AnchorRule rule, Tensor rows, Tensor cols, boolean symmetric, int colAnchor0, TileSize size,
                      AnchorStats[] stats) {
        this.rule = rule;
        this.rows = rows;
        this.cols = cols;
        this.symmetric = symmetric;
        this.colAnchor0 = colAnchor0;
        this.tile = size.of(rows.dim(0), cols.dim(0), rows.dim(1));
        this.stats = stats;
        int rowBlocks = blocks(rows.dim(0), tile), colBlocks = blocks(cols.dim(0), tile);
        this.schedule = symmetric ? TileSchedule.symmetric(rowBlocks) : TileSchedule.rectangular(rowBlocks, colBlocks);
    }

    /** S = F·Fᵀ, whose rows and columns are the anchors 0..2N−1 (the one-tower losses). */
    static TileSweep symmetric(AnchorRule rule, Tensor f, TileSize size, AnchorStats[] stats) {
        return new TileSweep(rule, f, f, true, 0, size, stats);
    }

    /**
     * S = R·Cᵀ: row i is anchor i, column j is anchor {@code colAnchor0} + j, or no anchor when
     * {@code colAnchor0} is −1.
     */
    static TileSweep rectangular(AnchorRule rule, Tensor r, Tensor c, int colAnchor0, TileSize size,
                                 AnchorStats[] stats) {
        return new TileSweep(rule, r, c, false, colAnchor0, size, stats);
    }

    private static int blocks(int n, int tile) {
        return (n + tile - 1) / tile;
    }

    /** Offers every anchor's candidates of every tile to {@code heaps}. */
    void select(CandidateHeaps heaps) {
        sweep((tile, a, b0, b1, off) -> {
            rule.maskNonCandidates(a, b0, b1, tile, off);
            heaps.offer(a, b0, tile, off, b1 - b0);
        }, null, null);
    }

    /** Observes every run of every anchor (the statistics must be begun, and selected when the loss selects). */
    void observe() {
        sweep((tile, a, b0, b1, off) -> rule.observeRun(a, b0, b1, tile, off, stats[a]), null, null);
    }

    /**
     * Adds ∂L/∂R to {@code dRows} and ∂L/∂C to {@code dCols} (null when the columns take no gradient;
     * the same tensor as {@code dRows} for a symmetric matrix). The statistics must be finished.
     */
    void gradient(Tensor dRows, Tensor dCols) {
        sweep((tile, a, b0, b1, off) -> rule.gradientRun(a, b0, b1, tile, off, stats[a]), dRows, dCols);
        dRows.markModified();
        if (dCols != null) {
            dCols.markModified();
        }
    }

    /** What a pass does with one run of an anchor's row, held in a tile buffer from {@code off}. */
    @FunctionalInterface
    private interface RunBody {
        void run(float[] tile, int anchor, int b0, int b1, int off);
    }

    private void sweep(RunBody body, Tensor dRows, Tensor dCols) {
        int rounds = schedule.rounds();
        for (int round = 0; round < rounds; round++) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException(rule.spec().kind().cliName() + ": the streaming loss was interrupted "
                        + "after " + round + " of " + rounds + " tile rounds");
            }
            int r = round;
            Parallel.forTasks(schedule.tiles(round), slot ->
                    tile(schedule.rowBlock(r, slot), schedule.colBlock(r, slot), body, dRows, dCols));
        }
    }

    private void tile(int bi, int bj, RunBody body, Tensor dRows, Tensor dCols) {
        int d = rows.dim(1);
        int r0 = bi * tile, r1 = Math.min(rows.dim(0), r0 + tile);
        int c0 = bj * tile, c1 = Math.min(cols.dim(0), c0 + tile);
        int m = r1 - r0, n = c1 - c0;
        float[][] buffers = buffers(m * n);
        float[] s = buffers[0], t = buffers[1];
        float[] ra = rows.array(), ca = cols.array();
        int ro = rows.offset() + r0 * d, co = cols.offset() + c0 * d;
        GemmRouter router = GemmRouter.global();
        GemmKernel gemm = KernelProvider.get().gemm();
        ArrayKernel arrays = KernelProvider.get().array();
        product(router, gemm, false, true, m, n, d, ra, ro, d, ca, co, d, 0f, s, 0, n);
        boolean diagonal = symmetric && bi == bj;
        boolean columnAnchors = colAnchor0 >= 0 && !diagonal;
        if (columnAnchors) {
            arrays.transpose(s, 0, n, m, n, t, 0, m, false);
        }
        for (int i = 0; i < m; i++) {
            body.run(s, r0 + i, c0, c1, i * n);
        }
        if (columnAnchors) {
            for (int j = 0; j < n; j++) {
                body.run(t, colAnchor0 + c0 + j, r0, r1, j * m);
            }
        }
        if (dRows == null) {
            return;
        }
        if (columnAnchors) {
            arrays.transpose(t, 0, m, n, m, s, 0, n, true);
        } else if (diagonal) {
            arrays.transpose(s, 0, n, m, n, t, 0, m, false);
            arrays.add(s, 0, t, 0, s, 0, m * n);
        }
        product(router, gemm, false, false, m, d, n, s, 0, n, ca, co, d, 1f, dRows.array(), dRows.offset() + r0 * d, d);
        if (dCols != null && !diagonal) {
            product(router, gemm, true, false, n, d, m, s, 0, n, ra, ro, d, 1f, dCols.array(), dCols.offset() + c0 * d,
                    d);
        }
    }

    /**
     * C = op(A)·op(B) + beta·C on the router's backend when it takes the product, else on the CPU
     * kernel, which also recomputes a product the backend failed (the router then leaves C as it was).
     */
    private static void product(GemmRouter router, GemmKernel cpu, boolean transA, boolean transB, int m, int n,
                                int k, float[] a, int offA, int lda, float[] b, int offB, int ldb, float beta,
                                float[] c, int offC, int ldc) {
        if (!router.gemm(transA, transB, m, n, k, 1f, a, offA, lda, b, offB, ldb, beta, c, offC, ldc)) {
            cpu.gemm(transA, transB, m, n, k, 1f, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        }
    }

    private static float[][] buffers(int size) {
        float[][] b = BUFFERS.get();
        if (b[0].length < size) {
            b[0] = new float[size];
            b[1] = new float[size];
        }
        return b;
    }
}
