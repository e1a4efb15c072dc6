package org.jcontrast.internal.loss;

import java.lang.ref.SoftReference;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.DoubleAccumulator;
import java.util.function.BooleanSupplier;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.kernel.GemmKernel;
import org.jcontrast.internal.kernel.PackedBlocks;
import org.jcontrast.internal.kernel.PackedRows;
import org.jcontrast.internal.kernel.Parallel;
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
 * the statistics is two tile buffers per thread and, when they take at most
 * {@link #MAX_PACKED_FLOATS} floats, the rows and columns in the GEMM kernel's layouts, packed once
 * per sweep so that no tile packs the operands of its products: for S ({@link GemmKernel#pack}, 7%
 * faster at 2N = 16384, d = 512) and, for the gradient pass, in blocks of a tile
 * ({@link GemmKernel#packBlocks}, 3% more there); and the kept exponentials described below. The
 * threads take the tiles from a {@link TileQueue}, in the schedule's order but without waiting for
 * a whole round to finish. The caller's interrupt stops a pass between tiles with a
 * {@link CancellationException}; no work of the pass is left running.
 *
 * <p>When the rule's partition is symmetric ({@link AnchorRule#symmetricPartition}) the rows and
 * columns of a tile with column anchors share their exponentials: every logit is at most
 * M = β·max‖r‖·max‖c‖ (Cauchy–Schwarz), so exp(β·s − M) serves entry (a, b) for anchor a and for
 * anchor b alike. One pass over the untransposed tile then gives the row sums and the column sums,
 * and the gradient pass builds H directly as exp(β·s − M)·(u_a + u_b) with
 * u = softmaxScale·exp(M − lse): half the exponentials and none of the transposes. A diagonal tile
 * of a symmetric matrix takes the same path, its rows alone feeding the sums. It is used when
 * 2M ≤ {@value #SHARED_SHIFT_LIMIT}, where no term can fall below the normal floats (e^−80) or any
 * u overflow (e^80); with colder temperatures each side keeps its own max-shifted runs. On the CPU,
 * the first tiles of the schedule, up to the engine's loss cache ({@link Budget#of}), keep these
 * exponentials from the observe pass in a per-thread buffer cached as the packed operands are, and
 * their gradient pass only weighs them: the same bits without the tile's product and exponentials
 * (with the default 32 MiB, 1.05× at 2N = 8192, d = 128, where a quarter of the tiles fit; 1.20×
 * there with all of them kept, 132 MiB).
 *
 * <p>When the router sends the tile products to a backend that keeps the embeddings resident
 * ({@link ResidentTileSweep}), the observe and gradient passes run there whole, for the
 * log-sum-exp losses without a selection; otherwise a product sent to the GPU moves its operands
 * there and its result back each time. Closing the sweep frees what it holds on the device.
 */
final class TileSweep implements AutoCloseable {
    /** The tile size of a sweep over a rows × cols similarity matrix of embeddings of a width. */
    @FunctionalInterface
    interface TileSize {
        int of(int rows, int cols, int width);
    }

    /** Per-thread buffers (two tiles and one row of column values), kept across sweeps and grown on demand. */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[3][0]);
    /**
     * Per-thread buffers for the operands packed once per sweep and for the kept exponentials, kept
     * across sweeps; softly, so that a thread's can be reclaimed when memory runs short.
     */
    private static final ThreadLocal<SoftReference<float[][]>> PANELS = new ThreadLocal<>();
    /**
     * The most floats packed once per sweep (96 MiB: 2N = 16384 at d = 512 in the vector kernel's
     * three layouts); beyond that the tiles pack their own blocks, and the sweep's memory does not
     * grow with its inputs.
     */
    static final long MAX_PACKED_FLOATS = 24L << 20;
    /** The most floats one Java array holds, which bounds the kept exponentials. */
    private static final long MAX_ARRAY_FLOATS = Integer.MAX_VALUE - 8;
    /**
     * The most floats a sweep packs and keeps (exponentials from its observe pass for its gradient
     * pass); tests shrink them to take the other paths.
     */
    record Budget(long packedFloats, long keptFloats) {
        /**
         * {@link #MAX_PACKED_FLOATS}, and the context's loss cache up to a quarter of the maximum heap.
         * Each kept tile saves its recomputation, about 0.15 ms at d = 128; the default cache, 32 MiB
         * (2N = 1024 whole, a quarter of the tiles at 8192), stays within 128 MiB of idle RSS at
         * 2N = 8192, d = 128 (bench/RESULTS.md).
         */
        static Budget of(Context context) {
            long bytes = Math.min(context.streaming().cacheBytes(), Runtime.getRuntime().maxMemory() / 4);
            return new Budget(MAX_PACKED_FLOATS, bytes / Float.BYTES);
        }
    }

    /**
     * The largest 2M for which rows and columns share one shift (see the class comment). Below
     * {@link ArrayKernel#EXP_BOUND}, so that every β·s − M, in [−2M, 0] but for the rounding of s,
     * is a bounded exponential's argument.
     */
    static final float SHARED_SHIFT_LIMIT = 80f;
    /** Row elements a thread takes at least when the row norms are computed in parallel (about 0.1 ms). */
    private static final int NORM_GRAIN = 1 << 17;

    private final AnchorRule rule;
    private final Tensor rows;
    private final Tensor cols;
    private final boolean symmetric;
    /** Anchor of column 0, or −1 when the columns are not anchors (InfoNCE's bank). */
    private final int colAnchor0;
    private final int tile;
    private final AnchorStats[] stats;
    private final TileSchedule schedule;
    /** The shift M that rows and columns share, or NaN when each run is shifted by its own max. */
    private final float sharedShift;
    /** The passes on a device that keeps the embeddings resident, or null. */
    private final ResidentTileSweep resident;
    /** The rows and the columns in the GEMM kernel's layout, or null when each tile packs its own. */
    private final PackedRows packedRows;
    private final PackedRows packedCols;
    /**
     * The rows and the columns in blocks of a tile, the right operands of the gradient products
     * (packed by {@link #gradient}), or null when each gradient product packs its own.
     */
    private PackedBlocks rowBlocks;
    private PackedBlocks colBlocks;
    /**
     * The buffers holding the packed rows, the packed columns, the kept exponentials and the packed
     * column and row blocks, handed back on {@link #close}, or null.
     */
    private final float[][] panels;
    /** What the budget leaves for the gradient products' blocks once the operands of S are packed. */
    private final long blockBudget;
    /** How many tiles, the first in the schedule's order, keep their exponentials in {@code panels[2]}. */
    private final int keptTiles;
    /** Whether the observe pass ran on the CPU, so the kept exponentials are there to use. */
    private boolean observed;

    private TileSweep(AnchorRule rule, Tensor rows, Tensor cols, boolean symmetric, int colAnchor0, TileSize size,
                      AnchorStats[] stats, Budget budget) {
        this.rule = rule;
        this.rows = rows;
        this.cols = cols;
        this.symmetric = symmetric;
        this.colAnchor0 = colAnchor0;
        this.tile = size.of(rows.dim(0), cols.dim(0), rows.dim(1));
        this.stats = stats;
        int rowTiles = Math.ceilDiv(rows.dim(0), tile), colTiles = Math.ceilDiv(cols.dim(0), tile);
        this.schedule = symmetric ? TileSchedule.symmetric(rowTiles) : TileSchedule.rectangular(rowTiles, colTiles);
        this.sharedShift = colAnchor0 >= 0 && rule.symmetricPartition()
                ? sharedShift(rule.beta(), rows, cols)
                : Float.NaN;
        this.resident = ResidentTileSweep.find(rule, rows, cols, symmetric, colAnchor0, tile, sharedShift, stats);
        GemmKernel gemm = Context.current().kernels().gemm();
        int d = rows.dim(1);
        long rowFloats = gemm.packedSize(rows.dim(0), d);
        long colFloats = rows == cols ? 0 : gemm.packedSize(cols.dim(0), d);
        boolean cpu = resident == null && !Context.current().router().offloads(tile, tile, d);
        boolean pack = cpu && rowFloats > 0 && rowFloats + colFloats <= budget.packedFloats();
        long tileFloats = (long) tile * tile;
        this.keptTiles = cpu && !Float.isNaN(sharedShift)
                ? (int) Math.min(schedule.tiles(), Math.min(budget.keptFloats(), MAX_ARRAY_FLOATS) / tileFloats)
                : 0;
        this.panels = pack || keptTiles > 0
                ? takePanels(pack ? (int) rowFloats : 0, pack ? (int) colFloats : 0, (int) (keptTiles * tileFloats))
                : null;
        this.blockBudget = pack ? budget.packedFloats() - rowFloats - colFloats : 0;
        this.packedRows = pack ? gemm.pack(rows.array(), rows.offset(), rows.dim(0), d, panels[0]) : null;
        this.packedCols = !pack || rows == cols ? packedRows
                : gemm.pack(cols.array(), cols.offset(), cols.dim(0), d, panels[1]);
    }

    /**
     * This thread's buffers for the packed rows, the packed columns and the kept exponentials, grown
     * to the sizes asked. They leave the thread's cache until {@link #close}, so a sweep nested in
     * this one would pack into its own.
     */
    private static float[][] takePanels(int rowFloats, int colFloats, int keptFloats) {
        SoftReference<float[][]> cached = PANELS.get();
        float[][] p = cached == null ? null : cached.get();
        PANELS.remove();
        if (p == null) {
            p = new float[5][0];
        }
        grow(p, 0, rowFloats);
        grow(p, 1, colFloats);
        grow(p, 2, keptFloats);
        return p;
    }

    /** Replaces {@code panels[i]} by a new array when it has fewer than {@code floats} floats. */
    private static void grow(float[][] panels, int i, long floats) {
        if (panels[i].length < floats) {
            panels[i] = new float[(int) floats];
        }
    }

    /** M = β·max‖r‖·max‖c‖ when 2M is within {@link #SHARED_SHIFT_LIMIT}, else NaN. */
    private static float sharedShift(double beta, Tensor rows, Tensor cols) {
        double r = maxSquaredNorm(rows);
        double m = beta * Math.sqrt(r * (cols == rows ? r : maxSquaredNorm(cols)));
        return 2 * m <= SHARED_SHIFT_LIMIT ? (float) m : Float.NaN;
    }

    /** max‖t_i‖² over the rows, in parallel chunks (a maximum does not depend on their order). */
    private static double maxSquaredNorm(Tensor t) {
        ArrayKernel k = Context.current().kernels().array();
        int d = t.dim(1);
        float[] a = t.array();
        DoubleAccumulator max = new DoubleAccumulator(Math::max, 0);
        Parallel.forRange(t.dim(0), Math.max(1, NORM_GRAIN / d), (from, to) -> {
            double m = 0;
            for (int i = from, o = t.offset() + from * d; i < to; i++, o += d) {
                m = Math.max(m, k.dot(a, o, a, o, d));
            }
            max.accumulate(m);
        });
        return max.get();
    }

    /** S = F·Fᵀ, whose rows and columns are the anchors 0..2N−1 (the one-tower losses). */
    static TileSweep symmetric(AnchorRule rule, Tensor f, TileSize size, AnchorStats[] stats) {
        return symmetric(rule, f, size, stats, Budget.of(Context.current()));
    }

    /** {@link #symmetric(AnchorRule, Tensor, TileSize, AnchorStats[])} within {@code budget}. */
    static TileSweep symmetric(AnchorRule rule, Tensor f, TileSize size, AnchorStats[] stats, Budget budget) {
        return new TileSweep(rule, f, f, true, 0, size, stats, budget);
    }

    /**
     * S = R·Cᵀ: row i is anchor i, column j is anchor {@code colAnchor0} + j, or no anchor when
     * {@code colAnchor0} is −1.
     */
    static TileSweep rectangular(AnchorRule rule, Tensor r, Tensor c, int colAnchor0, TileSize size,
                                 AnchorStats[] stats) {
        return rectangular(rule, r, c, colAnchor0, size, stats, Budget.of(Context.current()));
    }

    /** {@link #rectangular(AnchorRule, Tensor, Tensor, int, TileSize, AnchorStats[])} within {@code budget}. */
    static TileSweep rectangular(AnchorRule rule, Tensor r, Tensor c, int colAnchor0, TileSize size,
                                 AnchorStats[] stats, Budget budget) {
        return new TileSweep(rule, r, c, false, colAnchor0, size, stats, budget);
    }

    /** How many tiles keep their exponentials between the passes. */
    int keptTiles() {
        return keptTiles;
    }

    /** Whether the operands of S are packed once for the sweep. */
    boolean packsOperands() {
        return packedRows != null;
    }

    /** Whether the gradient pass packed its right operands once for the sweep. */
    boolean packedBlocks() {
        return colBlocks != null;
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
        if (resident != null && resident.observe()) {
            return;
        }
        sweep((tile, a, b0, b1, off) -> rule.observeRun(a, b0, b1, tile, off, stats[a]), null, null);
        observed = true;
    }

    /**
     * Adds ∂L/∂R to {@code dRows} and ∂L/∂C to {@code dCols} (null when the columns take no gradient;
     * the same tensor as {@code dRows} for a symmetric matrix). The statistics must be finished.
     */
    void gradient(Tensor dRows, Tensor dCols) {
        if (resident == null || !resident.gradient(dRows, dCols)) {
            packBlocks(dCols != null);
            sweep((tile, a, b0, b1, off) -> rule.gradientRun(a, b0, b1, tile, off, stats[a]), dRows, dCols);
        }
        dRows.markModified();
        if (dCols != null) {
            dCols.markModified();
        }
    }

    /**
     * Packs the columns, and the rows when their gradient is wanted and they are not the columns,
     * in blocks of a tile, when the operands of S were packed and all of it stays within the
     * budget: the gradient products then pack only H. At 2N = 16384, d = 512
     * (where B is too long to read in place) packing B was 5% of the loss's time.
     */
    private void packBlocks(boolean rowGradient) {
        if (packedRows == null || colBlocks != null) {
            return;
        }
        GemmKernel gemm = Context.current().kernels().gemm();
        int d = rows.dim(1);
        boolean packRows = rowGradient && rows != cols;
        long colFloats = gemm.packedBlocksSize(cols.dim(0), d, tile);
        long rowFloats = packRows ? gemm.packedBlocksSize(rows.dim(0), d, tile) : 0;
        if (colFloats == 0 || colFloats + rowFloats > blockBudget) {
            return;
        }
        grow(panels, 3, colFloats);
        grow(panels, 4, rowFloats);
        colBlocks = gemm.packBlocks(cols.array(), cols.offset(), cols.dim(0), d, tile, panels[3]);
        rowBlocks = packRows ? gemm.packBlocks(rows.array(), rows.offset(), rows.dim(0), d, tile, panels[4])
                : rows == cols ? colBlocks : null;
    }

    /** Frees what the sweep holds on a device and hands its packing buffers back to the thread's cache. */
    @Override
    public void close() {
        if (panels != null) {
            PANELS.set(new SoftReference<>(panels));
        }
        if (resident != null) {
            resident.close();
        }
    }

    /** What a pass does with one run of an anchor's row, held in a tile buffer from {@code off}. */
    @FunctionalInterface
    private interface RunBody {
        void run(float[] tile, int anchor, int b0, int b1, int off);
    }

    private void sweep(RunBody body, Tensor dRows, Tensor dCols) {
        String name = rule.options().kind().cliName();
        BooleanSupplier cancelRequested = Parallel.cancellation();
        TileQueue queue = new TileQueue(schedule, colAnchor0 >= 0 || dCols != null, cancelRequested, name);
        if (cancelRequested.getAsBoolean()) {
            throw new CancellationException(name + ": the streaming loss was interrupted before its first tile");
        }
        Parallel.forTasks(Math.min(Parallel.threads(), schedule.tiles()), worker -> {
            try {
                for (long t = queue.next(); t != TileQueue.NONE; t = queue.next()) {
                    int round = TileQueue.round(t), slot = TileQueue.slot(t);
                    tile(schedule.rowBlock(round, slot), schedule.colBlock(round, slot), schedule.index(round, slot),
                            body, dRows, dCols);
                    queue.done(t);
                }
            } catch (RuntimeException | Error e) {
                queue.fail();
                throw e;
            }
        });
        queue.throwIfCancelled();
    }

    private void tile(int bi, int bj, int index, RunBody body, Tensor dRows, Tensor dCols) {
        int d = rows.dim(1);
        int r0 = bi * tile, r1 = Math.min(rows.dim(0), r0 + tile);
        int c0 = bj * tile, c1 = Math.min(cols.dim(0), c0 + tile);
        int m = r1 - r0, n = c1 - c0;
        float[][] buffers = buffers(m * n);
        float[] s = buffers[0], t = buffers[1];
        float[] ra = rows.array(), ca = cols.array();
        int ro = rows.offset() + r0 * d, co = cols.offset() + c0 * d;
        GemmRouter router = Context.current().router();
        GemmKernel gemm = Context.current().kernels().gemm();
        ArrayKernel arrays = Context.current().kernels().array();
        // Where this tile's exponentials are kept between the passes, or −1: a kept tile's gradient needs no S.
        int kept = index < keptTiles && (dRows == null || observed) ? index * tile * tile : -1;
        if (kept < 0 || dRows == null) {
            if (packedRows != null) {
                gemm.productNT(packedRows, r0, m, packedCols, c0, n, s, 0, n);
            } else {
                product(router, gemm, false, true, m, n, d, ra, ro, d, ca, co, d, 0f, s, 0, n);
            }
        }
        boolean diagonal = symmetric && bi == bj;
        boolean columnAnchors = colAnchor0 >= 0 && !diagonal;
        if (colAnchor0 >= 0 && !Float.isNaN(sharedShift)) {
            // Only the observe and gradient passes come here: a rule that selects has no shared shift.
            if (dRows == null) {
                observeShared(s, r0, r1, c0, c1, diagonal, buffers[2], kept, arrays);
                return;
            }
            gradientShared(s, r0, r1, c0, c1, buffers[2], kept, arrays);
        } else {
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
        }
        addGradient(router, gemm, false, m, n, s, n, colBlocks, bj, cols, c0, dRows, r0);
        if (dCols != null && !diagonal) {
            addGradient(router, gemm, true, n, m, s, n, rowBlocks, bi, rows, r0, dCols, c0);
        }
    }

    /**
     * out[outRow : outRow+m] += op(H)·src[srcRow : srcRow+k], op(H) m × k (H, or Hᵀ when
     * {@code transH}, with row stride {@code ldh}): from block q of {@code blocks}, the same rows of
     * src packed, or, when that is null, as any other product.
     */
    private static void addGradient(GemmRouter router, GemmKernel gemm, boolean transH, int m, int k, float[] h,
                                    int ldh, PackedBlocks blocks, int q, Tensor src, int srcRow, Tensor out,
                                    int outRow) {
        int d = src.dim(1);
        if (blocks != null) {
            gemm.addProduct(transH, m, h, 0, ldh, blocks, q, out.array(), out.offset() + outRow * d, d);
        } else {
            product(router, gemm, transH, false, m, d, k, h, 0, ldh, src.array(), src.offset() + srcRow * d, d, 1f,
                    out.array(), out.offset() + outRow * d, d);
        }
    }

    /**
     * The observe pass of a tile whose rows and columns share the shift M: records both sides'
     * positives, masks what is outside the (symmetric) partition, and merges each row's and each
     * column's sum of exp(β·s − M) into its anchor. The column anchors' positives are read first,
     * before a decoupled loss masks them out of the sums. A diagonal tile's columns are its own
     * rows, so there each anchor's share is its row alone. Unless {@code kept} is −1, the
     * exponentials are kept at {@code panels[2][kept]} for the gradient pass.
     */
    private void observeShared(float[] s, int r0, int r1, int c0, int c1, boolean diagonal, float[] colSums,
                               int kept, ArrayKernel arrays) {
        int n = c1 - c0;
        float beta = (float) rule.beta();
        float[] across = diagonal ? null : colSums;
        if (!diagonal) {
            for (int j = 0; j < n; j++) {
                int b = colAnchor0 + c0 + j;
                rule.recordPositives(b, r0, r1, s, j, n, stats[b]);
            }
            Arrays.fill(colSums, 0, n, 0f);
        }
        for (int a = r0, off = 0; a < r1; a++, off += n) {
            rule.recordPositives(a, c0, c1, s, off, 1, stats[a]);
            rule.maskOutsideSum(a, c0, c1, s, off, stats[a]);
            float[] terms = kept < 0 ? null : panels[2];
            stats[a].addPartition(sharedShift,
                    arrays.sumScaledExp(s, off, beta, sharedShift, true, across, 0, terms, kept + off, n));
        }
        if (!diagonal) {
            for (int j = 0; j < n; j++) {
                stats[colAnchor0 + c0 + j].addPartition(sharedShift, colSums[j]);
            }
        }
    }

    /**
     * Writes H = G_rows + G_colsᵀ into {@code s}: exp(β·s − M)·(u_a + u_b) on the partition, plus
     * each side's positive gradient at its positives. On a diagonal tile that is G + Gᵀ, as the
     * symmetric matrix needs. The exponentials are those kept at {@code panels[2][kept]} by the
     * observe pass, the same bits, or when {@code kept} is −1 recomputed from the tile in {@code s}.
     */
    private void gradientShared(float[] s, int r0, int r1, int c0, int c1, float[] colWeights, int kept,
                                ArrayKernel arrays) {
        int n = c1 - c0;
        float beta = (float) rule.beta();
        for (int j = 0; j < n; j++) {
            colWeights[j] = sharedWeight(stats[colAnchor0 + c0 + j], sharedShift);
        }
        for (int a = r0, off = 0; a < r1; a++, off += n) {
            float u = sharedWeight(stats[a], sharedShift);
            if (kept < 0) {
                rule.maskOutsideSum(a, c0, c1, s, off, stats[a]);
                arrays.scaledExp(s, off, beta, sharedShift, true, u, colWeights, 0, s, off, n);
            } else {
                arrays.weigh(panels[2], kept + off, u, colWeights, 0, s, off, n);
            }
            rule.addPositiveGradient(a, c0, c1, s, off, 1, stats[a]);
        }
        for (int j = 0; j < n; j++) {
            int b = colAnchor0 + c0 + j;
            rule.addPositiveGradient(b, r0, r1, s, j, n, stats[b]);
        }
    }

    /** u = softmaxScale·exp(M − lse): ∂L/∂s of a summed entry is u·exp(β·s − M); 0 for an empty partition. */
    static float sharedWeight(AnchorStats st, float sharedShift) {
        return st.lse == Double.NEGATIVE_INFINITY ? 0f : (float) (st.softmaxScale * Math.exp(sharedShift - st.lse));
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

    private float[][] buffers(int size) {
        float[][] b = BUFFERS.get();
        grow(b, 0, size);
        grow(b, 1, size);
        grow(b, 2, tile);
        return b;
    }
}
