package org.jcontrast.kernel;

/**
 * Single-threaded matrix products on row-major float arrays, in BLAS's terms but row-major.
 * {@link Parallel} and {@link org.jcontrast.tensor.Ops} split larger problems across threads.
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
     * The lower-triangle band of the symmetric product C = alpha·A·Aᵀ + beta·C: writes exactly the
     * entries (i, j) with {@code rowStart ≤ i < rowEnd} and {@code 0 ≤ j ≤ i}, nothing else. A is
     * stored with at least {@code rowEnd} rows of k values. A band of rows is how threads share
     * one triangle; {@code rowStart = 0, rowEnd = n} is a whole diagonal tile.
     */
    void syrkLower(int rowStart, int rowEnd, int k, float alpha, float[] a, int offA, int lda,
                   float beta, float[] c, int offC, int ldc);
}
