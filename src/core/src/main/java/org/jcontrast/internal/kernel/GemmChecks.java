package org.jcontrast.internal.kernel;

/** Argument checks shared by every {@link GemmKernel}, so misuse fails the same way on each path. */
final class GemmChecks {
    private GemmChecks() {
    }

    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float[] c, int offC, int ldc) {
        if (m < 0 || n < 0 || k < 0) {
            throw new IllegalArgumentException("gemm: negative size m=" + m + " n=" + n + " k=" + k);
        }
        matrix("A", a, offA, lda, transA ? k : m, transA ? m : k);
        matrix("B", b, offB, ldb, transB ? n : k, transB ? k : n);
        matrix("C", c, offC, ldc, m, n);
    }

    static void syrk(int rowStart, int rowEnd, int k, float[] a, int offA, int lda,
                     float[] c, int offC, int ldc) {
        if (rowStart < 0 || rowEnd < rowStart || k < 0) {
            throw new IllegalArgumentException("syrk: bad band [" + rowStart + ", " + rowEnd + ") k=" + k);
        }
        matrix("A", a, offA, lda, rowEnd, k);
        matrix("C", c, offC, ldc, rowEnd, rowEnd);
    }

    static void packedBlocks(PackedRows r, int r0, int m, PackedRows c, int c0, int n) {
        if (r.cols() != c.cols()) {
            throw new IllegalArgumentException("productNT: rows of " + r.cols() + " and of " + c.cols() + " columns");
        }
        if (r0 < 0 || m < 0 || r0 + m > r.rows() || c0 < 0 || n < 0 || c0 + n > c.rows()) {
            throw new IllegalArgumentException("productNT: blocks [" + r0 + ", " + (r0 + m) + ") of " + r.rows()
                    + " rows and [" + c0 + ", " + (c0 + n) + ") of " + c.rows() + " rows");
        }
    }

    static void block(PackedBlocks b, int q) {
        if (q < 0 || q >= b.blocks()) {
            throw new IllegalArgumentException("addProduct: block " + q + " of " + b.blocks() + " (" + b.rows()
                    + " rows in blocks of " + b.block() + ")");
        }
    }

    static void matrix(String name, float[] x, int off, int ld, int rows, int cols) {
        if (rows == 0 || cols == 0) {
            return;
        }
        if (ld < cols || off < 0 || (long) off + (long) (rows - 1) * ld + cols > x.length) {
            throw new IllegalArgumentException(name + ": a " + rows + "x" + cols + " matrix with row stride "
                    + ld + " at offset " + off + " does not fit in an array of " + x.length + " floats");
        }
    }
}
