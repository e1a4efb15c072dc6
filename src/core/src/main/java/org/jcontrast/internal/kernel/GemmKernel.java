package org.jcontrast.internal.kernel;

/**
 * Matrix products on row-major float arrays, in BLAS's terms but row-major. All but
 * {@link #gemmParallel} and {@link #gramParallel} run on the calling thread (an implementation's
 * {@link #pack} may use {@link Parallel}'s threads for large inputs);
 * {@link org.jcontrast.internal.tensor.Ops} calls those two for larger problems.
 *
 * <p>As in BLAS, {@code beta == 0} means C is written without being read, so NaN left in C from
 * before does not propagate; every other NaN or infinity in A, B or C propagates as IEEE says.
 */
public interface GemmKernel {

    /**
     * C = alpha·op(A)·op(B) + beta·C, where C is m×n. op(A) is A (stored m×k) or, when
     * {@code transA}, Aᵀ (A stored k×m); op(B) is B (stored k×n) or, when {@code transB}, Bᵀ
     * (B stored n×k). {@code lda}, {@code ldb}, {@code ldc} are the row strides as stored.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int offA, int lda, float[] b, int offB, int ldb,
              float beta, float[] c, int offC, int ldc);

    /**
     * {@link #gemm} on {@link Parallel}'s threads, with the same result bits. This default gives each
     * thread a contiguous chunk of C's rows (at least 32) and runs {@link #gemm} on it;
     * implementations may share work between the threads more finely.
     */
    default void gemmParallel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int offA, int lda, float[] b, int offB, int ldb,
                              float beta, float[] c, int offC, int ldc) {
        Parallel.forRange(m, 32, (from, to) -> gemm(transA, transB, to - from, n, k, alpha,
                a, offA + (transA ? from : from * lda), lda, b, offB, ldb, beta, c, offC + from * ldc, ldc));
    }

    /**
     * Floats of the buffer that {@link #pack} needs for a matrix of {@code rows × cols}; 0 for a
     * kernel that multiplies the rows where they are.
     */
    default long packedSize(int rows, int cols) {
        return 0;
    }

    /**
     * Lays out the row-major {@code rows × cols} matrix at {@code a[off]} for {@link #productNT}, in
     * {@code panels} (at least {@link #packedSize} floats; unused when that is 0). Packing once and
     * then multiplying many blocks saves packing the same rows for every product. This default packs
     * nothing; the vector kernel packs large inputs on {@link Parallel}'s threads.
     */
    default PackedRows pack(float[] a, int off, int rows, int cols, float[] panels) {
        GemmChecks.matrix("A", a, off, cols, rows, cols);
        return new PackedRows(a, off, rows, cols, null);
    }

    /**
     * out = r[r0 : r0+m]·c[c0 : c0+n]ᵀ, m×n with row stride {@code ldc}, written without being
     * read: the bits of {@code gemm(false, true, m, n, cols, 1, ...)} on the rows that {@code r} and
     * {@code c} were packed from, which must have the same number of columns. Reads only the packed
     * rows and their sources, so threads may multiply blocks of the same packed rows at once.
     */
    default void productNT(PackedRows r, int r0, int m, PackedRows c, int c0, int n, float[] out, int offC, int ldc) {
        GemmChecks.packedBlocks(r, r0, m, c, c0, n);
        int k = r.cols();
        gemm(false, true, m, n, k, 1f, r.source(), r.offset() + r0 * k, k, c.source(), c.offset() + c0 * k, k,
                0f, out, offC, ldc);
    }

    /**
     * Floats of the buffer that {@link #packBlocks} needs for a matrix of {@code rows × cols} in blocks
     * of {@code block} rows; 0 for a kernel that reads the blocks where they are.
     */
    default long packedBlocksSize(int rows, int cols, int block) {
        return 0;
    }

    /**
     * Lays out the row-major {@code rows × cols} matrix at {@code a[off]} in blocks of {@code block}
     * rows for {@link #addProduct}, in {@code panels} (at least {@link #packedBlocksSize} floats;
     * unused when that is 0). This default packs nothing; the vector kernel packs blocks of at most
     * one k-block, on {@link Parallel}'s threads for large inputs.
     */
    default PackedBlocks packBlocks(float[] a, int off, int rows, int cols, int block, float[] panels) {
        GemmChecks.matrix("A", a, off, cols, rows, cols);
        if (block < 1) {
            throw new IllegalArgumentException("packBlocks: blocks of " + block + " rows");
        }
        return new PackedBlocks(a, off, rows, cols, block, null);
    }

    /**
     * c += op(A)·B_q, m × cols with row stride {@code ldc}, where B_q is block {@code q} of
     * {@code b} (its k rows) and op(A) is m × k: A (stored m × k) or, when {@code transA}, Aᵀ (A
     * stored k × m). The bits of {@code gemm(transA, false, m, cols, k, 1, ..., 1, c, ...)} on the
     * block's rows. Reads only the packed blocks and their source, so threads may multiply by
     * blocks of the same packed matrix at once.
     */
    default void addProduct(boolean transA, int m, float[] a, int offA, int lda, PackedBlocks b, int q,
                            float[] c, int offC, int ldc) {
        GemmChecks.block(b, q);
        int n = b.cols();
        gemm(transA, false, m, n, b.rowsIn(q), 1f, a, offA, lda, b.source(), b.offset() + b.firstRow(q) * n, n,
                1f, c, offC, ldc);
    }

    /**
     * The lower-triangle band of the symmetric product C = alpha·A·Aᵀ + beta·C: writes exactly the
     * entries (i, j) with {@code rowStart ≤ i < rowEnd} and {@code 0 ≤ j ≤ i}, nothing else. A is
     * stored with at least {@code rowEnd} rows of k values. A band of rows is how threads share
     * one triangle; {@code rowStart = 0, rowEnd = n} is a whole diagonal tile.
     */
    void syrkLower(int rowStart, int rowEnd, int k, float alpha, float[] a, int offA, int lda,
                   float beta, float[] c, int offC, int ldc);

    /**
     * The symmetric product C = A·Aᵀ with both triangles, n×n, on {@link Parallel}'s threads, with
     * the same result bits as {@code gramBand(0, n, ...)}: C is written without being read. This
     * default gives each thread one {@link #gramBand} of rows, of equal areas (and at least 32
     * rows); implementations may share work between the threads more finely.
     */
    default void gramParallel(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc) {
        // One band per thread: each band packs its own copy of A's leading rows, so more bands
        // would pack more, and equal areas already balance the work.
        int bands = Math.max(1, Math.min(Parallel.threads(), n / 32));
        Parallel.forTasks(bands, t -> gramBand(Parallel.triangleBandEdge(n, t, bands),
                Parallel.triangleBandEdge(n, t + 1, bands), k, a, offA, lda, c, offC, ldc));
    }

    /**
     * A band of the symmetric product C = A·Aᵀ with both triangles: writes C[i][j] and C[j][i] for
     * {@code rowStart ≤ i < rowEnd} and {@code 0 ≤ j ≤ i}, without reading C. Bands that do not
     * overlap write disjoint entries, so threads can fill one matrix with a band each. A is stored
     * with at least {@code rowEnd} rows of k values; C is at least {@code rowEnd × rowEnd}.
     *
     * <p>This default computes the lower band with {@link #syrkLower} and then copies it across;
     * implementations may mirror while the values are still in cache.
     */
    default void gramBand(int rowStart, int rowEnd, int k, float[] a, int offA, int lda,
                          float[] c, int offC, int ldc) {
        syrkLower(rowStart, rowEnd, k, 1f, a, offA, lda, 0f, c, offC, ldc);
        for (int i = rowStart; i < rowEnd; i++) {
            for (int j = 0; j < i; j++) {
                c[offC + j * ldc + i] = c[offC + i * ldc + j];
            }
        }
    }
}
