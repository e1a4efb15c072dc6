package org.jcontrast.internal.kernel;

import java.lang.invoke.MethodHandles;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed, register-blocked SGEMM on the Vector API, laid out as in BLIS: B is packed into
 * {@code KC×NR} column panels, A into {@code MR×KC} row panels, and a micro-kernel keeps an
 * {@code MR×NR} tile of C in {@code MR·2} vector registers across the whole k-block. Small blocks
 * of B and of a transposed A, already runs of NR or MR floats per k, are read where they lie
 * instead (see {@link #loops}).
 *
 * <p>NR is two vectors; MR comes from the register file ({@link VectorWidths#tileRows()}). With 16
 * registers (AVX2), MR = 4 gives 8 accumulators; with the two B vectors and the broadcasts of A
 * that is 14 of the 16. Anything else kept alive across the k-loop, such as alpha or beta, or a
 * wider tile, makes C2 spill an accumulator to the stack and halves the speed. With 32 registers
 * (AVX-512), MR = 8 keeps 16 accumulators: on Zen 5, one thread, alternated in one JVM, 1.08–1.18×
 * the 4-row tile's SGEMM at K = 128 to 2048, and 12 rows gained nothing more. So the micro-kernel
 * only sums: alpha is folded into the packed A, and a beta other than 0 or 1 is applied to C in a
 * pass of its own before the product.
 *
 * <p>The packed panels are padded with zeros to whole tiles, so the micro-kernel never branches
 * inside its loop; tiles that overhang C, or cross the diagonal of a symmetric product, go through
 * a small buffer. The symmetric product with both triangles ({@link #gramBand}) copies each
 * finished tile to its mirror position while the tile is still in L1, instead of in a second pass
 * over C.
 *
 * <p>KC = 512 needs half the passes over C of KC = 256 for long rows; measured on Zen 3, it beat
 * 256 and 384 at every K ≥ 512 and tied at K = 128. The row block grows with the k-block,
 * {@code 3·kc/8} rows (48 to 192; a packed A of up to 384 KiB, in L2): each row block reads the
 * whole packed B, from L3, and on two threads that traffic was the limit (192 rows against 48:
 * 2–22% faster at K ≥ 512, alternated in one process; within ±4% on one thread). Short k-blocks
 * keep 48 rows: a tile's stores then come often, and C's rows, often a page apart or more, must stay
 * within the L1 TLB; a symmetric product's blocks have 192 rows whatever the k-block (see
 * {@link #blockRows}). Packing B for all of K before the row blocks (C in L2 across k-blocks) was
 * slower: its packed B outgrows a shared L3.
 *
 * <p>On several threads ({@link #gemmParallel}, {@link #gramParallel}) the threads pack each block
 * of B together and take C's row blocks as tasks, rather than each packing all of B for a chunk
 * of rows of its own. Both happen in one parallel section per block: each task first helps pack
 * B's panels that no thread has claimed yet and waits for the rest, then computes its rows.
 */
final class PanamaGemm implements GemmKernel {
    /** This copy's species (see {@link VectorWidths}). */
    private static final VectorSpecies<Float> S = VectorWidths.species(MethodHandles.lookup());
    private static final int L = S.length();
    /** Rows of the micro-tile, from the register file (see {@link VectorWidths#tileRows()}): 4 or 8. */
    private static final int MR = VectorWidths.tileRows(MethodHandles.lookup());
    private static final int NR = 2 * L;
    private static final int KC = 512;
    /** Fewest and most rows of a packed A block; see {@link #blockRows}. */
    private static final int MC_MIN = 48;
    private static final int MC_MAX = 192;
    private static final int NC = 2048;
    /** Floats in a 64-byte cache line. */
    private static final int LINE_FLOATS = 16;
    /**
     * Most floats an operand's block may span, first row to last, to be read where it lies: 256 KiB,
     * 64 pages of 4 KiB, within the L1 TLB (64 entries on Zen 3, 72 on Zen 4). See {@link #loops}.
     */
    private static final int IN_PLACE_SPAN = 1 << 16;
    /** Fewest floats of a packed B panel (kc × NR; 32 KiB, a whole L1) for B to be read in place instead. */
    private static final int IN_PLACE_PANEL = 1 << 13;
    /** Most panels of B that may read an A block in place: packing A pays once more read it. */
    private static final int IN_PLACE_B_PANELS = 4;
    /**
     * Row blocks per thread up to which a triangle's blocks run from the bottom, the largest first:
     * with so few, the block a thread starts last decides when the product ends (see {@link #loops}).
     */
    private static final int FEW_BLOCKS = 6;
    /** Floats a thread packs at least when {@link #pack} runs in parallel (about 0.1 ms). */
    private static final int PACK_GRAIN = 1 << 18;
    /** Four lanes, the size of one transposed column of a tile. */
    private static final VectorSpecies<Float> S4 = FloatVector.SPECIES_128;
    private static final VectorShuffle<Float> SWAP_PAIRS = VectorShuffle.fromValues(S4, 2, 3, 0, 1);
    private static final VectorShuffle<Float> SWAP_LANES = VectorShuffle.fromValues(S4, 1, 0, 3, 2);
    private static final VectorMask<Float> HIGH_PAIR = VectorMask.fromValues(S4, false, false, true, true);
    private static final VectorMask<Float> ODD_LANES = VectorMask.fromValues(S4, false, true, false, true);
    /** Whether {@link #mirrorTile} works in 8×8 blocks. */
    private static final boolean MIRROR_8X8 = MR == 8 && Transpose8x8.fits(S);
    /** {@code diag} value that disables the triangle limit. */
    private static final int NO_DIAGONAL = Integer.MAX_VALUE / 2;
    /**
     * Set as the count of packed panels when packing threw: below zero however many panels the
     * other threads still add, so that their waits end.
     */
    private static final int PACKING_FAILED = Integer.MIN_VALUE / 2;

    private static final ThreadLocal<GemmWorkspace> WORKSPACE = ThreadLocal.withInitial(() -> new GemmWorkspace(MC_MAX * KC, MR * NR));

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float beta, float[] c, int offC, int ldc) {
        GemmChecks.gemm(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        drive(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, NO_DIAGONAL, false);
    }

    /**
     * With at least two row blocks per thread, the threads share one packed B per block of B and
     * take C's row blocks as they come: B is packed once, by all threads, instead of once per
     * thread, each thread reads one packed B from L3 instead of its own, and a thread the host
     * slows down takes fewer blocks. Measured against one row chunk per thread, alternated in one
     * JVM on two threads: 1.02–1.15× at every shape of the GEMM table, in two runs. Each entry of C
     * is still one micro-kernel's sum in k order, so the bits do not depend on the threads.
     */
    @Override
    public void gemmParallel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                             float[] a, int offA, int lda, float[] b, int offB, int ldb,
                             float beta, float[] c, int offC, int ldc) {
        GemmChecks.gemm(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        if (!shared(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc,
                NO_DIAGONAL, false)) {
            GemmKernel.super.gemmParallel(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
        }
    }

    /**
     * As {@link #gemmParallel}: one shared packed B per block, the row blocks of the lower triangle
     * as they come, each mirroring its tiles. Against one band of equal area per thread, alternated
     * in one JVM on two threads: 1.04–1.10× at every shape of the GEMM table.
     */
    @Override
    public void gramParallel(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc) {
        GemmChecks.syrk(0, n, k, a, offA, lda, c, offC, ldc);
        if (!shared(false, true, n, n, k, 1f, a, offA, lda, a, offA, lda, 0f, c, offC, ldc, 0, true)) {
            GemmKernel.super.gramParallel(n, k, a, offA, lda, c, offC, ldc);
        }
    }

    /**
     * {@link #loops} on all threads, with the calling thread's shared B: the row blocks of C are
     * tasks, which first pack B's panels together. Returns false, having done nothing, when there
     * are fewer than two row blocks per thread, when beta is neither 0 nor 1 (C would need its own
     * scaling pass first), or when this thread's shared B is already in use (a product nested in
     * one of its row blocks).
     */
    private static boolean shared(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                  float[] a, int offA, int lda, float[] b, int offB, int ldb,
                                  float beta, float[] c, int offC, int ldc, int diag, boolean mirror) {
        GemmWorkspace own = WORKSPACE.get();
        boolean fewBlocks = fewerThanTwoPerThread(m, blockRows(Math.min(k, KC), false));
        if (k == 0 || n == 0 || fewBlocks || (beta != 0f && beta != 1f) || own.sharing) {
            return false;
        }
        own.sharing = true;
        try {
            loops(own, own.sharedB(Math.min(k, KC) * roundUp(Math.min(n, NC), NR)),
                    transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, diag, mirror);
        } finally {
            own.sharing = false;
        }
        return true;
    }

    @Override
    public void syrkLower(int rowStart, int rowEnd, int k, float alpha, float[] a, int offA, int lda,
                          float beta, float[] c, int offC, int ldc) {
        GemmChecks.syrk(rowStart, rowEnd, k, a, offA, lda, c, offC, ldc);
        // Rows [rowStart, rowEnd) of A times Aᵀ, columns 0..rowEnd-1, keeping (i, j) with j ≤ i.
        drive(false, true, rowEnd - rowStart, rowEnd, k, alpha, a, offA + rowStart * lda, lda,
                a, offA, lda, beta, c, offC + rowStart * ldc, ldc, rowStart, false);
    }

    @Override
    public void gramBand(int rowStart, int rowEnd, int k, float[] a, int offA, int lda,
                         float[] c, int offC, int ldc) {
        GemmChecks.syrk(rowStart, rowEnd, k, a, offA, lda, c, offC, ldc);
        drive(false, true, rowEnd - rowStart, rowEnd, k, 1f, a, offA + rowStart * lda, lda,
                a, offA, lda, 0f, c, offC + rowStart * ldc, ldc, rowStart, true);
    }

    /**
     * Both of the micro-kernel's layouts, for k ≤ KC: the rows as {@link #packA} lays out A (MR-row
     * panels), then as {@link #packB} lays out a transposed B (NR-row panels), each k-major and
     * padded with zeros. Longer rows are not packed: their k-blocks would need layouts of their own.
     */
    @Override
    public long packedSize(int rows, int cols) {
        return cols > KC ? 0 : ((long) roundUp(rows, MR) + roundUp(rows, NR)) * cols;
    }

    @Override
    public PackedRows pack(float[] a, int off, int rows, int cols, float[] panels) {
        GemmChecks.matrix("A", a, off, cols, rows, cols);
        long size = packedSize(rows, cols);
        if (size == 0) {
            return new PackedRows(a, off, rows, cols, null);
        }
        if (panels.length < size) {
            throw new IllegalArgumentException("pack: " + rows + "x" + cols + " needs " + size + " floats of panels, not "
                    + panels.length);
        }
        // In chunks of whole NR-row panels (so whole MR-row panels too), one per thread for large inputs.
        int panelsB = Math.ceilDiv(rows, NR);
        Parallel.forRange(panelsB, Math.max(1, PACK_GRAIN / (NR * cols)), (from, to) -> {
            int r0 = from * NR, r1 = Math.min(rows, to * NR);
            packA(false, 1f, a, off, cols, r0, r1 - r0, 0, cols, panels, r0 * cols);
            packB(true, a, off, cols, 0, cols, 0, rows, panels, roundUp(rows, MR) * cols, r0, r1);
        });
        return new PackedRows(a, off, rows, cols, panels);
    }

    /**
     * Reads both operands from their panels, packing nothing (rows with panels have 1 ≤ k ≤ KC).
     * Blocks that do not start on a panel take {@link #gemm}, with the same bits: each entry is one
     * micro-kernel's sum in k order either way. A diagonal block of R·Rᵀ computes its lower triangle
     * and mirrors it, the same bits again (r_i·r_j and r_j·r_i round alike): 0.89× the time of a
     * streaming NT-Xent at 2N = 256, 0.97× at 512. Its C, a sweep's tile buffer written once per
     * tile, stays in L2, so its lines are not claimed ({@link #claimTile}): 0.98× the time of a
     * streaming NT-Xent at 2N = 8192, d = 128 on Zen 5, level at 16384, d = 512.
     */
    @Override
    public void productNT(PackedRows r, int r0, int m, PackedRows c, int c0, int n, float[] out, int offC, int ldc) {
        if (r.panels() == null || c.panels() == null || r0 % MR != 0 || c0 % NR != 0) {
            GemmKernel.super.productNT(r, r0, m, c, c0, n, out, offC, ldc);
            return;
        }
        GemmChecks.packedBlocks(r, r0, m, c, c0, n);
        GemmChecks.matrix("C", out, offC, ldc, m, n);
        if (m == 0 || n == 0) {
            return;
        }
        int k = r.cols();
        boolean diagonal = r == c && r0 == c0 && m == n;
        macroKernel(WORKSPACE.get(), r.panels(), r0 * k, k, MR, c.panels(), (roundUp(c.rows(), MR) + c0) * k, k, NR,
                m, n, k, false, out, offC, ldc, diagonal ? 0 : NO_DIAGONAL, diagonal, false);
    }

    /**
     * Each block as {@link #packB} lays out a non-transposed B for k = the block's rows, NR-column
     * panels k-major, zero-padded, the blocks one after another. Blocks longer than KC are not
     * packed: they would need k-blocks of their own.
     */
    @Override
    public long packedBlocksSize(int rows, int cols, int block) {
        return block > KC ? 0 : (long) rows * roundUp(cols, NR);
    }

    @Override
    public PackedBlocks packBlocks(float[] a, int off, int rows, int cols, int block, float[] panels) {
        PackedBlocks unpacked = GemmKernel.super.packBlocks(a, off, rows, cols, block, panels);
        long size = packedBlocksSize(rows, cols, block);
        if (size == 0) {
            return unpacked;
        }
        if (panels.length < size) {
            throw new IllegalArgumentException("packBlocks: " + rows + "x" + cols + " needs " + size
                    + " floats of panels, not " + panels.length);
        }
        int width = roundUp(cols, NR);
        Parallel.forRange(unpacked.blocks(), Math.max(1, PACK_GRAIN / (block * width)), (from, to) -> {
            for (int q = from; q < to; q++) {
                int r0 = unpacked.firstRow(q);
                packB(false, a, off, cols, r0, unpacked.rowsIn(q), 0, cols, panels, r0 * width, 0, cols);
            }
        });
        return new PackedBlocks(a, off, rows, cols, block, panels);
    }

    /** Reads B's block from its panels and A as {@link #gemm} would: the same bits, without packing B. */
    @Override
    public void addProduct(boolean transA, int m, float[] a, int offA, int lda, PackedBlocks b, int q,
                           float[] c, int offC, int ldc) {
        if (b.panels() == null) {
            GemmKernel.super.addProduct(transA, m, a, offA, lda, b, q, c, offC, ldc);
            return;
        }
        GemmChecks.block(b, q);
        int n = b.cols(), k = b.rowsIn(q), r0 = b.firstRow(q);
        GemmChecks.gemm(transA, false, m, n, k, a, offA, lda, b.source(), b.offset() + r0 * n, n, c, offC, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        boolean aInPlace = readsAInPlace(transA, 1f, m, n, k, lda);
        int rows = blockRows(k, false);
        for (int ic = 0; ic < m; ic += rows) {
            rowBlock(ic, Math.min(rows, m - ic), transA, 1f, a, offA, lda, 0, k, aInPlace, b.panels(),
                    r0 * roundUp(n, NR), k, NR, n, true, c, offC, ldc, 0, NO_DIAGONAL, false);
        }
    }

    /**
     * One thread's product: beta applied when it is not 0 or 1, then {@link #loops} on the calling
     * thread. Local element (i, j) of C is written only when {@code j ≤ i + diag}; with
     * {@code mirror}, its value is also copied to local position {@code (j − diag, i + diag)}, which
     * is the transposed entry of the whole matrix when C is a band of rows starting at {@code diag}.
     */
    private static void drive(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int offA, int lda, float[] b, int offB, int ldb,
                              float beta, float[] c, int offC, int ldc, int diag, boolean mirror) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || (beta != 0f && beta != 1f)) {
            scale(m, n, beta, c, offC, ldc, diag, mirror && k == 0);
        }
        if (k == 0) {
            return;
        }
        loops(null, WORKSPACE.get().packedB(Math.min(k, KC) * roundUp(Math.min(n, NC), NR)),
                transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, diag, mirror);
    }

    /**
     * The blocked loops, for k ≥ 1, with B packed into {@code packedB}; each row block uses its
     * thread's packed A. With {@code sharedBy}, the workspace of the thread that called a parallel
     * product, the row blocks run on all threads and pack B together (see {@link #packShared}).
     * A triangle with at most {@value #FEW_BLOCKS} row blocks per thread takes them from the bottom,
     * the largest first, so that the small ones even out the threads at the end: 0.91–0.94× the
     * time of the symmetric product at 1024 × 1024 on two threads (six blocks), 0.95–0.96× at
     * 2048 × 128 (twelve). With many more blocks that order lost (1.04–1.08× at 8192 × 128, 44
     * blocks; bench/RESULTS.md), so they keep theirs.
     * Small operands laid out as a packed panel is, a run of NR (B) or MR (Aᵀ) floats per k, are
     * read where they lie instead, with the micro-kernel stepping a row stride per k: B when its
     * packed panel would fill L1 anyway (kc·NR ≥ {@value #IN_PLACE_PANEL}), Aᵀ when at most
     * {@value #IN_PLACE_B_PANELS} panels of B read it, each only when its block spans at most
     * {@value #IN_PLACE_SPAN} floats. The streaming losses' gradient products (H·C and Hᵀ·R,
     * 256 × 128 × 256 at d = 128) then pack only H: 0.983× a streaming NT-Xent's time at
     * 2N = 8192, d = 128 on Zen 4 with 512-bit vectors (bench/RESULTS.md). The sums are the same.
     * Local element (i, j) of C is written only when {@code j ≤ i + diag}; with {@code mirror}, its
     * value is also copied to local position {@code (j − diag, i + diag)}. On the calling thread
     * they are plain loops: the streaming losses make two products per tile, and a pair of lambdas
     * each was their last garbage (80 KB a call at 2N = 8192, growing as N²).
     */
    private static void loops(GemmWorkspace sharedBy, float[] packedB, boolean transA, boolean transB, int m, int n, int k,
                              float alpha, float[] a, int offA, int lda, float[] b, int offB, int ldb,
                              float beta, float[] c, int offC, int ldc, int diag, boolean mirror) {
        for (int jc = 0; jc < n && jc <= m - 1 + diag; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int colStart = jc;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int kStart = pc;
                boolean accumulate = kStart > 0 || beta != 0f;
                boolean mirrorNow = mirror && pc + kc == k;
                int rows = sharedBy != null ? sharedBlockRows(m, kc, mirror) : blockRows(kc, mirror);
                int blocks = Math.ceilDiv(m, rows);
                // Decided for the whole product: a path taken only by its last block would stay cold, and
                // C2 leaves a cold path's vector calls out of line, where they box.
                boolean aInPlace = readsAInPlace(transA, alpha, m, nc, kc, lda);
                boolean bInPlace = !transB && nc % NR == 0 && kc * NR >= IN_PLACE_PANEL
                        && (long) kc * ldb <= IN_PLACE_SPAN;
                float[] pb = bInPlace ? b : packedB;
                int bOff = bInPlace ? offB + kStart * ldb + colStart : 0;
                int bPanel = bInPlace ? 1 : kc, bStep = bInPlace ? ldb : NR;
                if (sharedBy != null) {
                    AtomicInteger claimed = sharedBy.panelsClaimed;
                    AtomicInteger packed = sharedBy.panelsPacked;
                    claimed.set(0);
                    packed.set(0);
                    int panels = bInPlace ? 0 : Math.ceilDiv(nc, NR);
                    IntConsumer packPanel = panel -> packB(transB, b, offB, ldb, kStart, kc, colStart, nc, packedB, 0,
                            panel * NR, Math.min(nc, (panel + 1) * NR));
                    boolean largestFirst = diag != NO_DIAGONAL && blocks <= FEW_BLOCKS * Parallel.threads();
                    Parallel.forTasks(blocks, task -> {
                        int block = largestFirst ? blocks - 1 - task : task;
                        if (packShared(claimed, packed, panels, packPanel)) {
                            rowBlock(block * rows, Math.min(rows, m - block * rows), transA, alpha, a, offA, lda,
                                    kStart, kc, aInPlace, pb, bOff, bPanel, bStep, nc, accumulate, c, offC, ldc,
                                    colStart, diag, mirrorNow);
                        }
                    });
                } else {
                    if (!bInPlace) {
                        packB(transB, b, offB, ldb, kStart, kc, colStart, nc, packedB, 0, 0, nc);
                    }
                    for (int ic = 0; ic < m; ic += rows) {
                        rowBlock(ic, Math.min(rows, m - ic), transA, alpha, a, offA, lda, kStart, kc, aInPlace, pb,
                                bOff, bPanel, bStep, nc, accumulate, c, offC, ldc, colStart, diag, mirrorNow);
                    }
                }
            }
        }
    }

    /** Whether a block of op(A) = Aᵀ, kc × lda floats, is read where it lies (see {@link #loops}). */
    private static boolean readsAInPlace(boolean transA, float alpha, int m, int nc, int kc, int lda) {
        return transA && alpha == 1f && m % MR == 0 && nc <= IN_PLACE_B_PANELS * NR && (long) kc * lda <= IN_PLACE_SPAN;
    }

    /**
     * One task's share of packing B for a parallel product: claims B's NR-column panels
     * {@code [0, panels)} one at a time until none is left, packs each with {@code packPanel}, then
     * waits until the other threads have packed theirs.
     * A thread waits only for panels that running threads claimed, so the wait always ends, also
     * when a single thread runs every task. One parallel section per block instead of two (packing,
     * then the row blocks): the pool's threads go to sleep and wake once per block, not twice, which
     * matters most on a virtual machine that was idle a moment before (bench/RESULTS.md). Returns
     * false when another thread's packing threw (the product then fails with that exception).
     */
    static boolean packShared(AtomicInteger claimed, AtomicInteger packed, int panels, IntConsumer packPanel) {
        try {
            for (int p = claimed.getAndIncrement(); p < panels; p = claimed.getAndIncrement()) {
                packPanel.accept(p);
                packed.incrementAndGet();
            }
        } catch (RuntimeException | Error e) {
            packed.set(PACKING_FAILED);
            throw e;
        }
        for (int done = packed.get(), spins = 1; done < panels; done = packed.get(), spins++) {
            if (done < 0) {
                return false;
            }
            // A packing thread that the OS took off its core (more threads than cores) gets it back.
            if (spins % 1024 == 0) {
                Thread.yield();
            } else {
                Thread.onSpinWait();
            }
        }
        return true;
    }

    /**
     * Rows {@code [ic, ic + mc)} of C's block at {@code colStart}: packs their A unless
     * {@code aInPlace} (see {@link #loops}), then the macro-kernel over B as {@link #macroKernel} takes it.
     */
    private static void rowBlock(int ic, int mc, boolean transA, float alpha, float[] a, int offA, int lda, int kStart,
                                 int kc, boolean aInPlace, float[] pb, int bOff, int bPanel, int bStep, int nc,
                                 boolean accumulate, float[] c, int offC, int ldc, int colStart, int diag,
                                 boolean mirror) {
        if (colStart > ic + mc - 1 + diag) {
            return;
        }
        GemmWorkspace ws = WORKSPACE.get();
        if (!aInPlace) {
            packA(transA, alpha, a, offA, lda, ic, mc, kStart, kc, ws.packedA, 0);
        }
        macroKernel(ws, aInPlace ? a : ws.packedA, aInPlace ? offA + kStart * lda + ic : 0, aInPlace ? 1 : kc,
                aInPlace ? lda : MR, pb, bOff, bPanel, bStep, mc, nc, kc, accumulate, c, offC + ic * ldc + colStart,
                ldc, ic - colStart + diag, mirror, true);
    }

    /**
     * Runs the micro-kernel over an A block from {@code pa[aOff]}, its MR-row panels {@code aPanel}
     * floats apart, and a B block from {@code pb[bOff]}, its NR-column panels {@code bPanel} apart
     * (steps as in {@link #microKernel}). With {@code mirror}, every finished tile is also written
     * to its transposed place: whole tiles by {@link #mirrorTile}, the few that cross the diagonal
     * or overhang C element by element. With {@code claim}, the lines of a tile that is not added
     * to are claimed before its k-loop.
     */
    private static void macroKernel(GemmWorkspace ws, float[] pa, int aOff, int aPanel, int aStep, float[] pb, int bOff,
                                    int bPanel, int bStep, int mc, int nc, int kc, boolean accumulate, float[] c,
                                    int offC, int ldc, int diag, boolean mirror, boolean claim) {
        float[] t = ws.tile;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            if (accumulate) {
                touchColumn(ws, c, offC, ldc, mc, jr, Math.min(jr + NR, nc) - 1);
            }
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                if (jr > ir + mr - 1 + diag) {
                    continue;
                }
                int cOff = offC + ir * ldc + jr;
                // Local (i, j) mirrors to (j − diag, i + diag).
                int mirrorOff = offC + (jr - diag) * ldc + ir + diag;
                if (mr == MR && nr == NR && jr + NR - 1 <= ir + diag) {
                    if (claim && !accumulate) {
                        claimTile(c, cOff, ldc);
                    }
                    microKernel(kc, pa, aOff + ir * aPanel, aStep, pb, bOff + jr * bPanel, bStep, accumulate, c, cOff,
                            ldc);
                    if (mirror) {
                        mirrorTile(c, cOff, ldc, mirrorOff);
                    }
                } else {
                    microKernel(kc, pa, aOff + ir * aPanel, aStep, pb, bOff + jr * bPanel, bStep, false, t, 0, NR);
                    for (int i = 0; i < mr; i++) {
                        int jEnd = Math.min(nr, ir + i + diag - jr + 1);
                        for (int j = 0; j < jEnd; j++) {
                            int ci = cOff + i * ldc + j;
                            c[ci] = accumulate ? c[ci] + t[i * NR + j] : t[i * NR + j];
                            if (mirror) {
                                c[mirrorOff + j * ldc + i] = c[ci];
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * Stores a zero into every 16th float (one per 64-byte stretch) of each row of the MR×NR tile at
     * {@code c[dst]}, which the micro-kernel is about to overwrite. The tile's rows are ldc apart,
     * lines the prefetchers do not bring, and a short k-loop (about 2000 cycles at K = 128) ends
     * with stores that each wait for their line; stored into first, the lines arrive while the loop
     * runs. A store, unlike the loads of {@link #touchColumn}, holds back no instruction after it.
     * Alternated in one JVM on Zen 4: 0.89–0.95× the time of the symmetric product and 0.94–0.97×
     * of SGEMM at K = 128, level at K ≥ 512 (bench/RESULTS.md). Claiming the lines of the mirrored
     * tile as well was slower.
     */
    private static void claimTile(float[] c, int dst, int ldc) {
        for (int r = 0, row = dst; r < MR; r++, row += ldc) {
            for (int j = 0; j < NR; j += LINE_FLOATS) {
                c[row + j] = 0f;
            }
        }
    }

    /**
     * Loads the cache lines of C's columns {@code [first, last]} in all {@code mc} rows, before the
     * tiles of that column add into them. The rows are ldc apart, more streams than the hardware
     * prefetchers follow, so otherwise each tile waits for its own lines at the end of its k-loop;
     * issued together, the misses overlap. Worth 2–3% at K = 1024 and 2048 on one thread
     * (alternated in one process).
     */
    private static void touchColumn(GemmWorkspace ws, float[] c, int offC, int ldc, int mc, int first, int last) {
        int bits = 0;
        for (int i = 0, row = offC; i < mc; i++, row += ldc) {
            bits |= Float.floatToRawIntBits(c[row + first]) | Float.floatToRawIntBits(c[row + last]);
        }
        ws.touched = bits;
    }

    /**
     * C[0:MR, 0:NR] = Ã·B̃ over kc steps, added to C when {@code accumulate}: step p reads A's MR
     * floats from {@code pa[ai + p·aStep]} and B's NR from {@code pb[bi + p·bStep]} (MR and NR when
     * packed, a row stride when read in place).
     */
    private static void microKernel(int kc, float[] pa, int ai, int aStep, float[] pb, int bi, int bStep,
                                    boolean accumulate, float[] c, int cOff, int ldc) {
        if (MR == 8) {
            microKernel8(kc, pa, ai, aStep, pb, bi, bStep, accumulate, c, cOff, ldc);
        } else {
            microKernel4(kc, pa, ai, aStep, pb, bi, bStep, accumulate, c, cOff, ldc);
        }
    }

    /**
     * The 4-row tile, for 16 registers. The stores are written out here rather than in a helper: a
     * vector handed to a method that C2 declines to inline is boxed, which costs 10–20× here.
     */
    private static void microKernel4(int kc, float[] pa, int ai, int aStep, float[] pb, int bi, int bStep,
                                     boolean accumulate, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            FloatVector x = FloatVector.broadcast(S, pa[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            ai += aStep;
            bi += bStep;
        }
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0));
            c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
            c10 = c10.add(FloatVector.fromArray(S, c, r1));
            c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
            c20 = c20.add(FloatVector.fromArray(S, c, r2));
            c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
            c30 = c30.add(FloatVector.fromArray(S, c, r3));
            c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
    }

    /**
     * The 8-row tile, for 32 registers: 16 accumulators hide the FMA latency twice over, and each
     * pair of B vectors loaded serves 16 FMAs instead of 8. Written out as {@link #microKernel4}.
     */
    private static void microKernel8(int kc, float[] pa, int ai, int aStep, float[] pb, int bi, int bStep,
                                     boolean accumulate, float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        FloatVector c60 = FloatVector.zero(S), c61 = FloatVector.zero(S);
        FloatVector c70 = FloatVector.zero(S), c71 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            FloatVector x = FloatVector.broadcast(S, pa[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, pa[ai + 4]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, pa[ai + 5]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
            x = FloatVector.broadcast(S, pa[ai + 6]);
            c60 = x.fma(b0, c60);
            c61 = x.fma(b1, c61);
            x = FloatVector.broadcast(S, pa[ai + 7]);
            c70 = x.fma(b0, c70);
            c71 = x.fma(b1, c71);
            ai += aStep;
            bi += bStep;
        }
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc;
        int r4 = cOff + 4 * ldc, r5 = cOff + 5 * ldc, r6 = cOff + 6 * ldc, r7 = cOff + 7 * ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, c, r0));
            c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
            c10 = c10.add(FloatVector.fromArray(S, c, r1));
            c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
            c20 = c20.add(FloatVector.fromArray(S, c, r2));
            c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
            c30 = c30.add(FloatVector.fromArray(S, c, r3));
            c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
            c40 = c40.add(FloatVector.fromArray(S, c, r4));
            c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
            c50 = c50.add(FloatVector.fromArray(S, c, r5));
            c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
            c60 = c60.add(FloatVector.fromArray(S, c, r6));
            c61 = c61.add(FloatVector.fromArray(S, c, r6 + L));
            c70 = c70.add(FloatVector.fromArray(S, c, r7));
            c71 = c71.add(FloatVector.fromArray(S, c, r7 + L));
        }
        c00.intoArray(c, r0);
        c01.intoArray(c, r0 + L);
        c10.intoArray(c, r1);
        c11.intoArray(c, r1 + L);
        c20.intoArray(c, r2);
        c21.intoArray(c, r2 + L);
        c30.intoArray(c, r3);
        c31.intoArray(c, r3 + L);
        c40.intoArray(c, r4);
        c41.intoArray(c, r4 + L);
        c50.intoArray(c, r5);
        c51.intoArray(c, r5 + L);
        c60.intoArray(c, r6);
        c61.intoArray(c, r6 + L);
        c70.intoArray(c, r7);
        c71.intoArray(c, r7 + L);
    }

    /**
     * Copies the MR×NR tile just written at {@code c[src]}, still in L1, to its transposed place at
     * {@code c[dst]}: in 8×8 blocks where the tile has eight rows and the hardware 256-bit vectors
     * (alternated in one JVM on Zen 4: 0.93–0.97× the symmetric product's time with 4×4 blocks at
     * K = 128, 0.98–0.99× at K ≥ 512), else in 4×4 blocks. Kept out of the micro-kernel: in one
     * larger method C2 stops inlining the vector helpers, and a vector passed to a call is boxed.
     */
    private static void mirrorTile(float[] c, int src, int ldc, int dst) {
        if (MIRROR_8X8) {
            for (int g = 0; g < NR; g += 8) {
                Transpose8x8.write(c, src + g, ldc, c, dst + g * ldc, ldc);
            }
            return;
        }
        for (int r = 0; r < MR; r += 4) {
            for (int g = 0; g < NR; g += 4) {
                transpose4x4(1f, c, src + r * ldc + g, ldc, c, dst + g * ldc + r, ldc);
            }
        }
    }

    /**
     * Writes alpha times the transpose of the 4×4 block at {@code src[s]} (rows {@code sld} apart)
     * to {@code dst[d]} (rows {@code dld} apart): two rounds swap the off-diagonal 2×2 blocks, then
     * the off-diagonal elements, each a lane swap and a blend per row. 16 shuffles for 16 values,
     * where copying element by element costs a load, a store and two bounds checks per value. The
     * inner step of packing A and the transposed B, and of mirroring 4-row tiles.
     */
    private static void transpose4x4(float alpha, float[] src, int s, int sld, float[] dst, int d, int dld) {
        FloatVector r0 = FloatVector.fromArray(S4, src, s);
        FloatVector r1 = FloatVector.fromArray(S4, src, s + sld);
        FloatVector r2 = FloatVector.fromArray(S4, src, s + 2 * sld);
        FloatVector r3 = FloatVector.fromArray(S4, src, s + 3 * sld);
        FloatVector a0 = r0.blend(r2.rearrange(SWAP_PAIRS), HIGH_PAIR);
        FloatVector a2 = r0.rearrange(SWAP_PAIRS).blend(r2, HIGH_PAIR);
        FloatVector a1 = r1.blend(r3.rearrange(SWAP_PAIRS), HIGH_PAIR);
        FloatVector a3 = r1.rearrange(SWAP_PAIRS).blend(r3, HIGH_PAIR);
        a0.blend(a1.rearrange(SWAP_LANES), ODD_LANES).mul(alpha).intoArray(dst, d);
        a0.rearrange(SWAP_LANES).blend(a1, ODD_LANES).mul(alpha).intoArray(dst, d + dld);
        a2.blend(a3.rearrange(SWAP_LANES), ODD_LANES).mul(alpha).intoArray(dst, d + 2 * dld);
        a2.rearrange(SWAP_LANES).blend(a3, ODD_LANES).mul(alpha).intoArray(dst, d + 3 * dld);
    }

    /**
     * Packs alpha·op(A)[ic:ic+mc, pc:pc+kc] into MR-row panels from {@code pa[paOff]}, each laid out
     * k-major, zero-padded.
     * Scaling here, where every element is touched anyway, keeps alpha out of the micro-kernel.
     * The vector loops live in methods of their own: in one larger method C2 runs out of inlining
     * budget, and the vector calls left behind fall back to allocating Java code.
     */
    private static void packA(boolean transA, float alpha, float[] a, int offA, int lda, int ic, int mc, int pc,
                              int kc, float[] pa, int paOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = paOff + ir * kc;
            int mr = Math.min(MR, mc - ir);
            int p = 0;
            if (mr == MR && transA) {
                p = copyRuns(alpha, a, offA + pc * lda + ic + ir, lda, kc, pa, base);
            } else if (mr == MR) {
                p = transposeRuns(alpha, a, offA + (ic + ir) * lda + pc, lda, kc, pa, base);
            }
            for (; p < kc; p++) {
                for (int r = 0; r < MR; r++) {
                    float v = 0f;
                    if (r < mr) {
                        v = alpha * (transA ? a[offA + (pc + p) * lda + ic + ir + r] : a[offA + (ic + ir + r) * lda + pc + p]);
                    }
                    pa[base + p * MR + r] = v;
                }
            }
        }
    }

    /** op(A)'s column p is a run of MR floats in A's row pc + p: copies kc such runs, scaled; returns kc. */
    private static int copyRuns(float alpha, float[] a, int src, int lda, int kc, float[] pa, int base) {
        for (int p = 0; p < kc; p++, src += lda) {
            for (int r = 0; r < MR; r += 4) {
                FloatVector.fromArray(S4, a, src + r).mul(alpha).intoArray(pa, base + p * MR + r);
            }
        }
        return kc;
    }

    /**
     * MR rows of A, k-major, 4×4 blocks at a time, scaled; returns how many of the kc columns it
     * packed. Four rows at a time along their length, so the reads are four sequential streams the
     * prefetchers follow, not MR: 1.08× on the streaming loss's tile products (operands from L3).
     */
    private static int transposeRuns(float alpha, float[] a, int src, int lda, int kc, float[] pa, int base) {
        int end = kc / 4 * 4;
        for (int r = 0; r < MR; r += 4) {
            for (int p = 0; p < end; p += 4) {
                transpose4x4(alpha, a, src + r * lda + p, lda, pa, base + p * MR + r, MR);
            }
        }
        return end;
    }

    /**
     * Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels from {@code pb[pbOff]}, each laid out
     * k-major, zero-padded: the panels of local columns {@code [jrFrom, jrTo)}, {@code jrFrom} a
     * multiple of NR.
     */
    private static void packB(boolean transB, float[] b, int offB, int ldb, int pc, int kc, int jc, int nc,
                              float[] pb, int pbOff, int jrFrom, int jrTo) {
        for (int jr = jrFrom; jr < jrTo; jr += NR) {
            int base = pbOff + jr * kc;
            int nr = Math.min(NR, nc - jr);
            int p = 0;
            if (!transB && nr == NR) {
                p = copyPanel(b, offB + pc * ldb + jc + jr, ldb, kc, pb, base);
            } else if (!transB) {
                for (; p < kc; p++) {
                    System.arraycopy(b, offB + (pc + p) * ldb + jc + jr, pb, base + p * NR, nr);
                    java.util.Arrays.fill(pb, base + p * NR + nr, base + (p + 1) * NR, 0f);
                }
            } else if (nr == NR) {
                p = transposePanel(b, offB + (jc + jr) * ldb + pc, ldb, kc, pb, base);
            }
            for (; p < kc; p++) {
                for (int j = 0; j < NR; j++) {
                    pb[base + p * NR + j] = j < nr ? b[offB + (jc + jr + j) * ldb + pc + p] : 0f;
                }
            }
        }
    }

    /**
     * op(B)'s row p is a run of NR floats in B's row pc + p: copies kc such runs, two vectors each;
     * returns kc. A call to System.arraycopy per run cost 5% of a streaming loss, its tiles' B
     * being 256 short runs.
     */
    private static int copyPanel(float[] b, int src, int ldb, int kc, float[] pb, int base) {
        for (int p = 0; p < kc; p++, src += ldb) {
            FloatVector.fromArray(S, b, src).intoArray(pb, base + p * NR);
            FloatVector.fromArray(S, b, src + L).intoArray(pb, base + p * NR + L);
        }
        return kc;
    }

    /**
     * op(B)'s row p is column pc + p of B's NR rows from {@code src}: transposes 4×4 blocks into
     * one k-major panel, four rows of B at a time along their length (as {@link #transposeRuns});
     * returns how many of the kc rows it packed.
     */
    private static int transposePanel(float[] b, int src, int ldb, int kc, float[] pb, int base) {
        int end = kc / 4 * 4;
        for (int j = 0; j < NR; j += 4) {
            for (int p = 0; p < end; p += 4) {
                transpose4x4(1f, b, src + j * ldb + p, ldb, pb, base + p * NR + j, NR);
            }
        }
        return end;
    }

    /**
     * C = beta·C on the allowed entries (BLAS semantics: beta = 0 writes zeros without reading),
     * and with {@code mirror} on their mirror images too.
     */
    private static void scale(int m, int n, float beta, float[] c, int offC, int ldc, int diag, boolean mirror) {
        for (int i = 0; i < m; i++) {
            int jEnd = (int) Math.min(n, (long) i + diag + 1);
            for (int j = 0; j < jEnd; j++) {
                int ci = offC + i * ldc + j;
                c[ci] = beta == 0f ? 0f : beta * c[ci];
                if (mirror) {
                    c[offC + (j - diag) * ldc + i + diag] = c[ci];
                }
            }
        }
    }

    /**
     * Rows of A packed at a time for a k-block of {@code kc}: 3·kc/8, a multiple of MR within
     * [MC_MIN, MC_MAX]; MC_MAX for a product that mirrors its tiles, whose mirror then writes each
     * row above in runs of MC_MAX floats instead of 48: {@link #gramBand} 0.90–0.93× the time at
     * K = 128 on one thread, alternated in one JVM on Zen 4. SGEMM gained nothing from larger rows.
     */
    private static int blockRows(int kc, boolean mirror) {
        return mirror ? MC_MAX : Math.clamp(3 * kc / 8 / MR * MR, MC_MIN, MC_MAX);
    }

    /**
     * Rows of a block when the threads share the row blocks: at most {@link #blockRows}, in a number
     * of blocks that is a multiple of the thread count, so that m = 1024 at kc = 512 runs as six
     * blocks of 176 rows rather than five of 192 and one of 64. A mirrored product keeps the rows of
     * an unmirrored one when its large blocks would be fewer than two per thread (at 640 × 128 on two
     * threads four blocks of 160 rows took 1.10× the time of fourteen of 48). The rows of a block do
     * not change any entry's sum, so the bits stay the same.
     */
    private static int sharedBlockRows(int m, int kc, boolean mirror) {
        int rows = blockRows(kc, mirror);
        if (fewerThanTwoPerThread(m, rows)) {
            rows = blockRows(kc, false);
        }
        int blocks = roundUp(Math.ceilDiv(m, rows), Parallel.threads());
        return roundUp(Math.ceilDiv(m, blocks), MR);
    }

    /** Whether m rows in blocks of {@code rows} give fewer than two blocks per thread, too few to share. */
    private static boolean fewerThanTwoPerThread(int m, int rows) {
        return Math.ceilDiv(m, rows) < 2 * Parallel.threads();
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }
}
