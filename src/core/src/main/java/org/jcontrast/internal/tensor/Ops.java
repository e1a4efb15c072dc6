package org.jcontrast.internal.tensor;

import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.kernel.GemmKernel;
import org.jcontrast.internal.kernel.KernelProvider;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.tensor.Tensor;

/**
 * Tensor-level operations: shape checks, then the kernels of the chosen {@link KernelProvider},
 * split over row blocks by {@link Parallel}. Every function returns a new tensor unless its name
 * ends in {@code Into}. NaN and infinities propagate as IEEE 754 says.
 */
public final class Ops {
    /** Below this many multiply-adds a product runs on the calling thread. */
    private static final long PARALLEL_FLOPS = 1L << 18;
    /** Below this many elements an elementwise or row operation runs on the calling thread. */
    private static final int PARALLEL_ELEMENTS = 1 << 15;

    private Ops() {
    }

    private static GemmKernel gemmKernel() {
        return Context.current().kernels().gemm();
    }

    private static ArrayKernel arrays() {
        return Context.current().kernels().array();
    }

    // ---- matrix products ----

    /** op(A)·op(B), where op transposes when asked. Both must be matrices. */
    public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
        // Checked before the result's shape is read off the operands' second dimension.
        Shapes.requireMatrix(a, "matmul (A)");
        Shapes.requireMatrix(b, "matmul (B)");
        int m = transA ? a.dim(1) : a.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        Tensor c = Tensor.zeros(m, n);
        matmulInto(1f, a, transA, b, transB, 0f, c);
        return c;
    }

    /** A·B. */
    public static Tensor matmul(Tensor a, Tensor b) {
        return matmul(a, false, b, false);
    }

    /** C = alpha·op(A)·op(B) + beta·C; with beta = 0, C's old contents are not read. */
    public static void matmulInto(float alpha, Tensor a, boolean transA, Tensor b, boolean transB, float beta,
                                  Tensor c) {
        Shapes.requireMatrix(a, "matmul (A)");
        Shapes.requireMatrix(b, "matmul (B)");
        Shapes.requireMatrix(c, "matmul (C)");
        int m = transA ? a.dim(1) : a.dim(0);
        int k = transA ? a.dim(0) : a.dim(1);
        int kb = transB ? b.dim(1) : b.dim(0);
        int n = transB ? b.dim(0) : b.dim(1);
        if (k != kb) {
            throw new IllegalArgumentException("matmul: inner dimensions differ, " + describe(a, transA) + " · "
                    + describe(b, transB));
        }
        if (c.dim(0) != m || c.dim(1) != n) {
            throw new IllegalArgumentException("matmul: result " + c.shapeString() + " should be [" + m + ", " + n
                    + "] for " + describe(a, transA) + " · " + describe(b, transB));
        }
        if (Context.current().router().gemm(transA, transB, m, n, k, alpha, a.array(), a.offset(), a.dim(1), b.array(),
                b.offset(), b.dim(1), beta, c.array(), c.offset(), n)) {
            c.markModified();
            return;
        }
        GemmKernel g = gemmKernel();
        int lda = a.dim(1), ldb = b.dim(1), ldc = n;
        float[] ad = a.array(), bd = b.array(), cd = c.array();
        int ao = a.offset(), bo = b.offset(), co = c.offset();
        if ((long) m * n * k < PARALLEL_FLOPS) {
            g.gemm(transA, transB, m, n, k, alpha, ad, ao, lda, bd, bo, ldb, beta, cd, co, ldc);
        } else {
            g.gemmParallel(transA, transB, m, n, k, alpha, ad, ao, lda, bd, bo, ldb, beta, cd, co, ldc);
        }
        c.markModified();
    }

    /**
     * The symmetric product A·Aᵀ: one triangle is computed, in bands of equal area, and each
     * finished tile is mirrored to the other triangle while it is still in cache.
     */
    public static Tensor gram(Tensor a) {
        Shapes.requireMatrix(a, "gram");
        Tensor c = Tensor.zeros(a.dim(0), a.dim(0));
        gramInto(a, c);
        return c;
    }

    /** C = A·Aᵀ, as {@link #gram}, into an existing n×n matrix (n = rows of A); C's old contents are not read. */
    public static void gramInto(Tensor a, Tensor c) {
        Shapes.requireMatrix(a, "gram");
        int n = a.dim(0), k = a.dim(1);
        if (c.rank() != 2 || c.dim(0) != n || c.dim(1) != n) {
            throw new IllegalArgumentException("gram: result " + c.shapeString() + " should be [" + n + ", " + n
                    + "] for A " + a.shapeString());
        }
        float[] ad = a.array(), cd = c.array();
        int ao = a.offset(), co = c.offset();
        if (Context.current().router().gram(n, k, ad, ao, k, cd, co, n)) {
            c.markModified();
            return;
        }
        if ((long) n * n * k / 2 < PARALLEL_FLOPS) {
            gemmKernel().gramBand(0, n, k, ad, ao, k, cd, co, n);
        } else {
            gemmKernel().gramParallel(n, k, ad, ao, k, cd, co, n);
        }
        c.markModified();
    }

    /**
     * One tile of A·Aᵀ: {@code out = A[r0:r1]·A[c0:c1]ᵀ}. A tile on the diagonal
     * ({@code r0 == c0 && r1 == c1}) is computed as one triangle and mirrored; any other tile is a
     * plain product. Runs on the calling thread: the streaming losses hand tiles to threads.
     */
    public static void gramTileInto(Tensor a, int r0, int r1, int c0, int c1, Tensor out) {
        Shapes.requireMatrix(a, "gramTile");
        int n = a.dim(0), k = a.dim(1);
        if (r0 < 0 || r1 > n || r0 > r1 || c0 < 0 || c1 > n || c0 > c1) {
            throw new IllegalArgumentException("gramTile: rows [" + r0 + ", " + r1 + ") and columns [" + c0 + ", "
                    + c1 + ") out of range for " + a.shapeString());
        }
        if (out.rank() != 2 || out.dim(0) != r1 - r0 || out.dim(1) != c1 - c0) {
            throw new IllegalArgumentException("gramTile: result " + out.shapeString() + " should be ["
                    + (r1 - r0) + ", " + (c1 - c0) + "]");
        }
        int ldo = out.dim(1);
        if (r0 == c0 && r1 == c1) {
            gemmKernel().gramBand(0, r1 - r0, k, a.array(), a.offset() + r0 * k, k, out.array(), out.offset(), ldo);
        } else {
            gemmKernel().gemm(false, true, r1 - r0, c1 - c0, k, 1f, a.array(), a.offset() + r0 * k, k,
                    a.array(), a.offset() + c0 * k, k, 0f, out.array(), out.offset(), ldo);
        }
        out.markModified();
    }

    private static String describe(Tensor t, boolean trans) {
        return t.shapeString() + (trans ? "ᵀ" : "");
    }

    // ---- row-wise operations (a rank-1 tensor is one row) ----

    /** Per-row maximum, shape [rows]. */
    public static Tensor rowMax(Tensor x) {
        return perRow(x, (xd, xo, n) -> arrays().max(xd, xo, n));
    }

    /** Per-row max-shifted logsumexp, shape [rows]. A row of −∞ gives −∞; a row with +∞ gives +∞. */
    public static Tensor rowLogSumExp(Tensor x) {
        return perRow(x, Ops::logSumExp);
    }

    /** Per-row Euclidean norm, shape [rows]. */
    public static Tensor rowNorms(Tensor x) {
        return perRow(x, (xd, xo, n) -> (float) Math.sqrt(arrays().dot(xd, xo, xd, xo, n)));
    }

    /** Per-row sum, shape [rows]. */
    public static Tensor rowSums(Tensor x) {
        return perRow(x, (xd, xo, n) -> arrays().sum(xd, xo, n));
    }

    /** Max-shifted logsumexp of {@code n} values. */
    public static float logSumExp(float[] x, int xo, int n) {
        ArrayKernel k = Context.current().kernels().array();
        float m = k.max(x, xo, n);
        if (Float.isInfinite(m) || Float.isNaN(m)) {
            return m; // all −∞, some +∞, or NaN: the shift would turn these into NaN
        }
        return m + (float) Math.log(k.sumExp(x, xo, m, n));
    }

    /** Row-wise softmax. */
    public static Tensor softmaxRows(Tensor x) {
        Tensor out = Tensor.zeros(x.shape());
        eachRow(x, out, (xd, xo, od, oo, n) -> {
            ArrayKernel k = arrays();
            float m = k.max(xd, xo, n);
            k.exp(xd, xo, m, od, oo, n);
            k.affine(1f / k.sum(od, oo, n), od, oo, 0f, od, oo, n);
        });
        return out;
    }

    /** Row-wise log-softmax: x − logsumexp(x). */
    public static Tensor logSoftmaxRows(Tensor x) {
        Tensor out = Tensor.zeros(x.shape());
        eachRow(x, out, (xd, xo, od, oo, n) -> arrays().affine(1f, xd, xo, -logSumExp(xd, xo, n), od, oo, n));
        return out;
    }

    /** Row normalisation z / max(‖z‖, eps), as PyTorch's {@code F.normalize}. */
    public static Tensor normalizeRows(Tensor z, float eps) {
        Tensor out = Tensor.zeros(z.shape());
        normalizeRowsInto(z, eps, out);
        return out;
    }

    /**
     * {@link #normalizeRows} into {@code out}, of z's shape. Rows whose squared norm leaves float32's
     * comfortable range (elements near 1e20 overflow it, near 1e-20 underflow it) are normalised in
     * float64, where the squares of any float32 values neither overflow nor underflow.
     */
    public static void normalizeRowsInto(Tensor z, float eps, Tensor out) {
        Shapes.requireSame(z, out, "normalizeRows");
        eachRow(z, out, (zd, zo, od, oo, n) -> {
            ArrayKernel k = arrays();
            float squared = k.dot(zd, zo, zd, zo, n);
            if (inSafeRange(squared)) {
                k.affine(1f / Math.max((float) Math.sqrt(squared), eps), zd, zo, 0f, od, oo, n);
            } else {
                double scale = 1 / Math.max(norm64(zd, zo, n), eps);
                for (int j = 0; j < n; j++) {
                    od[oo + j] = (float) (zd[zo + j] * scale);
                }
            }
        });
    }

    /**
     * True when a float32 sum of squares is trustworthy and its square root, inverse and cube stay
     * normal float32 numbers: nothing overflowed, and what underflowed is negligible next to it.
     */
    private static boolean inSafeRange(float squared) {
        return squared >= 0x1p-80f && squared <= 0x1p80f;
    }

    /** The Euclidean norm of {@code n} values, summed in float64 (exact squares, no overflow or underflow). */
    private static double norm64(float[] x, int xo, int n) {
        double s = 0;
        for (int j = 0; j < n; j++) {
            s += (double) x[xo + j] * x[xo + j];
        }
        return Math.sqrt(s);
    }

    /**
     * Gradient of {@link #normalizeRows} with respect to z, given the gradient {@code g} of its output:
     * (g − y·(y·g)) / ‖z‖ where ‖z‖ &gt; eps, and g / eps where the norm was clamped.
     */
    public static Tensor normalizeRowsBackward(Tensor z, Tensor g, float eps) {
        Tensor out = Tensor.zeros(z.shape());
        normalizeRowsBackwardInto(z, g, eps, out);
        return out;
    }

    /** {@link #normalizeRowsBackward} into {@code out}, of z's shape. */
    public static void normalizeRowsBackwardInto(Tensor z, Tensor g, float eps, Tensor out) {
        Shapes.requireSame(z, g, "normalizeRowsBackward");
        Shapes.requireSame(z, out, "normalizeRowsBackward");
        int cols = z.cols();
        float[] zd = z.array(), gd = g.array(), od = out.array();
        int zBase = z.offset(), gBase = g.offset(), oBase = out.offset();
        Parallel.forRange(z.rows(), rowGrain(z), (from, to) -> {
            ArrayKernel k = arrays();
            for (int r = from; r < to; r++) {
                int zo = zBase + r * cols, go = gBase + r * cols, oo = oBase + r * cols;
                float squared = k.dot(zd, zo, zd, zo, cols);
                double norm = inSafeRange(squared) ? (float) Math.sqrt(squared) : norm64(zd, zo, cols);
                if (norm <= eps) {
                    k.affine(1f / eps, gd, go, 0f, od, oo, cols);
                } else if (inSafeRange(squared)) {
                    // y·g = (z·g)/‖z‖, so out = g/‖z‖ − z·(z·g)/‖z‖³.
                    float inv = 1f / (float) norm;
                    float zg = k.dot(zd, zo, gd, go, cols);
                    k.affine(inv, gd, go, 0f, od, oo, cols);
                    k.axpy(-zg * inv * inv * inv, zd, zo, od, oo, cols);
                } else {
                    backwardOfExtremeRow(zd, zo, gd, go, od, oo, cols, norm);
                }
            }
        });
        out.markModified();
    }

    /** (g − y·(y·g)) / ‖z‖ in float64 with y = z/‖z‖, for a row whose ‖z‖³ float32 cannot hold. */
    private static void backwardOfExtremeRow(float[] zd, int zo, float[] gd, int go, float[] od, int oo, int cols,
                                             double norm) {
        double yg = 0;
        for (int j = 0; j < cols; j++) {
            yg += zd[zo + j] / norm * gd[go + j];
        }
        for (int j = 0; j < cols; j++) {
            od[oo + j] = (float) ((gd[go + j] - zd[zo + j] / norm * yg) / norm);
        }
    }

    // ---- elementwise operations ----

    /** exp(x). */
    public static Tensor exp(Tensor x) {
        Tensor out = Tensor.zeros(x.shape());
        elementwise(x, out, (xd, xo, od, oo, n) -> arrays().exp(xd, xo, 0f, od, oo, n));
        return out;
    }

    /** log(x). */
    public static Tensor log(Tensor x) {
        Tensor out = Tensor.zeros(x.shape());
        elementwise(x, out, (xd, xo, od, oo, n) -> arrays().log(xd, xo, od, oo, n));
        return out;
    }

    /** alpha·x. */
    public static Tensor scale(Tensor x, float alpha) {
        Tensor out = Tensor.zeros(x.shape());
        elementwise(x, out, (xd, xo, od, oo, n) -> arrays().affine(alpha, xd, xo, 0f, od, oo, n));
        return out;
    }

    /** x + y. */
    public static Tensor add(Tensor x, Tensor y) {
        Shapes.requireSame(x, y, "add");
        Tensor out = Tensor.zeros(x.shape());
        float[] yd = y.array();
        int shift = y.offset() - x.offset();
        elementwise(x, out, (xd, xo, od, oo, n) -> arrays().add(xd, xo, yd, xo + shift, od, oo, n));
        return out;
    }

    /** x·y elementwise. */
    public static Tensor mul(Tensor x, Tensor y) {
        Shapes.requireSame(x, y, "mul");
        Tensor out = Tensor.zeros(x.shape());
        float[] yd = y.array();
        int shift = y.offset() - x.offset();
        elementwise(x, out, (xd, xo, od, oo, n) -> arrays().mul(xd, xo, yd, xo + shift, od, oo, n));
        return out;
    }

    /** y += alpha·x, in place. */
    public static void axpyInto(float alpha, Tensor x, Tensor y) {
        Shapes.requireSame(x, y, "axpy");
        float[] yd = y.array();
        int shift = y.offset() - x.offset();
        elementwise(x, null, (xd, xo, od, oo, n) -> arrays().axpy(alpha, xd, xo, yd, xo + shift, n));
        y.markModified();
    }

    /** The index of the first NaN or infinite element of {@code x} in row-major order, or −1 if all are finite. */
    public static int firstNonFinite(Tensor x) {
        int[] found = new int[elementChunks(x.size())];
        float[] xd = x.array();
        int xo = x.offset();
        eachElementChunk(x.size(), found.length, (t, from, to) -> {
            int at = arrays().firstNonFinite(xd, xo + from, to - from);
            found[t] = at < 0 ? -1 : from + at;
        });
        for (int at : found) {
            if (at >= 0) {
                return at;
            }
        }
        return -1;
    }

    /** Sum of all elements, accumulated per row block and combined in a fixed order. */
    public static float sum(Tensor x) {
        float[] partial = new float[elementChunks(x.size())];
        float[] xd = x.array();
        int xo = x.offset();
        eachElementChunk(x.size(), partial.length,
                (t, from, to) -> partial[t] = arrays().sum(xd, xo + from, to - from));
        float s = 0f;
        for (float p : partial) {
            s += p;
        }
        return s;
    }

    /** Chunks of a whole-tensor pass over {@code size} elements: one per thread, one for small tensors. */
    private static int elementChunks(int size) {
        return size < PARALLEL_ELEMENTS ? 1 : Parallel.threads();
    }

    /** A chunk's work: chunk {@code t} covers elements [from, to). */
    @FunctionalInterface
    private interface ElementChunk {
        void run(int t, int from, int to);
    }

    /** Runs {@code body} on {@code chunks} contiguous chunks of {@code size} elements, in parallel. */
    private static void eachElementChunk(int size, int chunks, ElementChunk body) {
        Parallel.forTasks(chunks,
                t -> body.run(t, (int) ((long) size * t / chunks), (int) ((long) size * (t + 1) / chunks)));
    }

    /** Mean of all elements; NaN for an empty tensor. */
    public static float mean(Tensor x) {
        return sum(x) / x.size();
    }

    /** Column sums of a matrix, shape [cols] (e.g. a bias gradient). */
    public static Tensor colSums(Tensor x) {
        Shapes.requireMatrix(x, "colSums");
        int rows = x.dim(0), cols = x.dim(1);
        Tensor out = Tensor.zeros(cols);
        arrays().addColumnSums(x.array(), x.offset(), cols, rows, out.array(), 0, cols);
        out.markModified();
        return out;
    }

    // ---- loop helpers ----

    @FunctionalInterface
    private interface RowReduction {
        float apply(float[] x, int xo, int n);
    }

    @FunctionalInterface
    private interface RunMap {
        void apply(float[] x, int xo, float[] out, int oo, int n);
    }

    private static int rowGrain(Tensor x) {
        return Math.max(1, PARALLEL_ELEMENTS / Math.max(1, x.cols()));
    }

    private static Tensor perRow(Tensor x, RowReduction f) {
        int rows = x.rows(), cols = x.cols();
        Tensor out = Tensor.zeros(rows);
        float[] xd = x.array(), od = out.array();
        int xo = x.offset();
        Parallel.forRange(rows, rowGrain(x), (from, to) -> {
            for (int r = from; r < to; r++) {
                od[r] = f.apply(xd, xo + r * cols, cols);
            }
        });
        return out;
    }

    private static void eachRow(Tensor x, Tensor out, RunMap f) {
        int cols = x.cols();
        float[] xd = x.array(), od = out.array();
        int xo = x.offset(), oo = out.offset();
        Parallel.forRange(x.rows(), rowGrain(x), (from, to) -> {
            for (int r = from; r < to; r++) {
                f.apply(xd, xo + r * cols, od, oo + r * cols, cols);
            }
        });
        out.markModified();
    }

    /** Applies f to the whole contiguous run of x (and out, if any), split into parallel chunks. */
    private static void elementwise(Tensor x, Tensor out, RunMap f) {
        int size = x.size();
        float[] xd = x.array();
        float[] od = out == null ? null : out.array();
        int xo = x.offset(), oo = out == null ? 0 : out.offset();
        Parallel.forRange(size, PARALLEL_ELEMENTS, (from, to) -> f.apply(xd, xo + from, od, oo + from, to - from));
        if (out != null) {
            out.markModified();
        }
    }
}
