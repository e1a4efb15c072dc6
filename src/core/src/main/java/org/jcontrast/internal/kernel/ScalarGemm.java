package org.jcontrast.internal.kernel;

/**
 * Textbook loops, accumulating each dot product in float in k order. The reference for
 * {@code PanamaGemm} and the fallback without the Vector API.
 */
final class ScalarGemm implements GemmKernel {

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float beta, float[] c, int offC, int ldc) {
        GemmChecks.gemm(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        int aRow = transA ? 1 : lda;
        int aCol = transA ? lda : 1;
        int bRow = transB ? 1 : ldb;
        int bCol = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                int ai = offA + i * aRow;
                int bj = offB + j * bCol;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[ai + p * aCol], b[bj + p * bRow], s);
                }
                int ci = offC + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : Math.fma(beta, c[ci], alpha * s);
            }
        }
    }

    @Override
    public void syrkLower(int rowStart, int rowEnd, int k, float alpha, float[] a, int offA, int lda,
                          float beta, float[] c, int offC, int ldc) {
        GemmChecks.syrk(rowStart, rowEnd, k, a, offA, lda, c, offC, ldc);
        for (int i = rowStart; i < rowEnd; i++) {
            for (int j = 0; j <= i; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[offA + i * lda + p], a[offA + j * lda + p], s);
                }
                int ci = offC + i * ldc + j;
                c[ci] = beta == 0f ? alpha * s : Math.fma(beta, c[ci], alpha * s);
            }
        }
    }
}
