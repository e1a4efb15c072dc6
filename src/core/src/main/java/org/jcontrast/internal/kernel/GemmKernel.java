package org.jcontrast.internal.kernel;

/**
 * Matrix products on row-major float arrays, in BLAS's terms but row-major. All but
 * {@link #gemmParallel} and {@link #gramParallel} run on the calling thread;
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
