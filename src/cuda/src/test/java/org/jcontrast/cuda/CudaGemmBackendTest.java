package org.jcontrast.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jcontrast.internal.backend.BackendUnavailableException;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.kernel.KernelProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cuBLAS backend against the C stub: layouts, arguments, errors and resource ownership. */
class CudaGemmBackendTest {
    /** What the backend must not write: the padding between rows of a matrix with a larger stride. */
    private static final float PAD = 12345f;

    private static CudaStub stub;
    private CudaGemmBackend backend;

    @BeforeAll
    static void buildStub() {
        stub = CudaStub.get(CudaStub.Variant.FULL);
    }

    @BeforeEach
    void open() throws BackendUnavailableException {
        stub.reset();
        backend = CudaGemmBackend.open(Optional.of(stub.directory()), Precision.FP32);
    }

    @AfterEach
    void closeAndCheckForLeaks() {
        if (backend != null) {
            backend.close();
        }
        stub.assertNothingLive();
    }

    /** A rows×cols matrix of normals at offset {@code off} with row stride {@code ld}, PAD elsewhere. */
    private static float[] matrix(long seed, int off, int rows, int cols, int ld) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] x = new float[off + rows * ld + 3];
        Arrays.fill(x, PAD);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                x[off + i * ld + j] = (float) random.nextGaussian();
            }
        }
        return x;
    }

    /** Row-major alpha·op(A)·op(B) + beta·C in float64, C as given before the product. */
    private static double[] reference(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                      int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c,
                                      int offC, int ldc) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[offA + p * lda + i] : a[offA + i * lda + p];
                    double y = transB ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                    s += x * y;
                }
                out[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * (double) c[offC + i * ldc + j]);
            }
        }
        return out;
    }

    private static void assertClose(double[] expected, float[] got, int off, int rows, int cols, int ld,
                                    double tolerance, String what) {
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double e = expected[i * cols + j];
                float g = got[off + i * ld + j];
                if (!(Math.abs(e - g) <= tolerance * (1 + Math.abs(e)))) {
                    throw new AssertionError(what + " at (" + i + ", " + j + "): " + g + ", expected " + e);
                }
            }
        }
    }

    /** Everything in {@code x} outside the matrix still holds PAD. */
    private static void assertPaddingUntouched(float[] x, int off, int rows, int cols, int ld, String what) {
        for (int idx = 0; idx < x.length; idx++) {
            int rel = idx - off;
            boolean inside = rel >= 0 && rel / ld < rows && rel % ld < cols;
            if (!inside) {
                assertEquals(PAD, x[idx], what + ": element " + idx + " outside the matrix was written");
            }
        }
    }

    @Test
    void gemmHonoursTransposesStridesOffsetsAlphaAndBeta() {
        int m = 19, n = 23, k = 11;
        for (boolean transA : new boolean[] {false, true}) {
            for (boolean transB : new boolean[] {false, true}) {
                for (float[] ab : new float[][] {{1f, 0f}, {-0.5f, 2f}}) {
                    float alpha = ab[0], beta = ab[1];
                    String what = (transA ? "T" : "N") + (transB ? "T" : "N") + " alpha=" + alpha + " beta=" + beta;
                    int aRows = transA ? k : m, aCols = transA ? m : k, lda = aCols + 3;
                    int bRows = transB ? n : k, bCols = transB ? k : n, ldb = bCols + 1;
                    int ldc = n + 2, offA = 5, offB = 2, offC = 7;
                    float[] a = matrix(1, offA, aRows, aCols, lda);
                    float[] b = matrix(2, offB, bRows, bCols, ldb);
                    float[] c = matrix(3, offC, m, n, ldc);
                    if (beta == 0f) {
                        for (int i = 0; i < m; i++) {
                            Arrays.fill(c, offC + i * ldc, offC + i * ldc + n, Float.NaN); // must not be read
                        }
                    }
                    double[] expected = reference(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c,
                            offC, ldc);
                    float[] cpu = c.clone();
                    KernelProvider.scalar().gemm().gemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb,
                            beta, cpu, offC, ldc);

                    backend.gemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
                    assertClose(expected, c, offC, m, n, ldc, 1e-5, what);
                    assertPaddingUntouched(c, offC, m, n, ldc, what);
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(cpu[i], c[i], 1e-4f * (1 + Math.abs(cpu[i])), what + " vs CPU at " + i);
                    }
                }
            }
        }
        assertEquals(8, stub.calls("cublasSgemm_v2"));
        assertEquals(0, stub.calls("cublasGemmEx"), "FP32 uses SGEMM");
        assertEquals(0, stub.live("device"), "the host products free their device memory");
    }

    @Test
    void gramIsTheWholeSymmetricProduct() {
        for (int n : new int[] {1, 7, 70, 130}) {
            int k = 13, lda = k + 2, ldc = n + 5, offA = 3, offC = 4;
            float[] a = matrix(n, offA, n, k, lda);
            float[] c = matrix(0, offC, n, n, ldc);
            double[] expected = reference(false, true, n, n, k, 1f, a, offA, lda, a, offA, lda, 0f, c, offC, ldc);
            backend.gram(n, k, a, offA, lda, c, offC, ldc);
            assertClose(expected, c, offC, n, n, ldc, 1e-5, "gram n=" + n);
            assertPaddingUntouched(c, offC, n, n, ldc, "gram n=" + n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(c[offC + i * ldc + j], c[offC + j * ldc + i], "symmetry at " + i + ", " + j);
                }
            }
        }
        assertEquals(4, stub.calls("cublasSsyrk_v2"));
        assertEquals(0, stub.calls("cublasSgemm_v2"));
    }

    @Test
    void syrkWritesOnlyTheLowerTriangle() {
        int n = 9, k = 4;
        float[] a = matrix(5, 0, n, k, k);
        float[] before = new float[n * n];
        Arrays.fill(before, -7f);
        float[] after = new float[n * n];
        try (DeviceMatrix da = backend.upload(a, 0, n, k, k); DeviceMatrix dc = backend.upload(before, 0, n, n, n)) {
            backend.syrkLower(2f, da, 0.5f, dc);
            backend.download(dc, after, 0, n);
        }
        double[] expected = reference(false, true, n, n, k, 2f, a, 0, k, a, 0, k, 0.5f, before, 0, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (j <= i) {
                    assertEquals(expected[i * n + j], after[i * n + j], 1e-5, "lower (" + i + ", " + j + ")");
                } else {
                    assertEquals(-7f, after[i * n + j], "upper (" + i + ", " + j + ") must stay");
                }
            }
        }
    }

    @Test
    void operandsCanStayOnTheDeviceAcrossProducts() {
        int m = 6, n = 5, k = 4;
        float[] a = matrix(1, 0, m, k, k);
        float[] b = matrix(2, 0, k, n, n);
        float[] c = new float[m * n];
        try (DeviceMatrix da = backend.upload(a, 0, m, k, k);
             DeviceMatrix db = backend.upload(b, 0, k, n, n);
             DeviceMatrix dc = backend.allocate(m, n)) {
            backend.gemm(false, false, 1f, da, db, 0f, dc);
            backend.gemm(false, false, 1f, da, db, 1f, dc);
            backend.synchronize();
            backend.download(dc, c, 0, n);
            assertThrows(IllegalArgumentException.class, () -> backend.gemm(false, false, 1f, da, da, 0f, dc));
        }
        assertClose(reference(false, false, m, n, k, 2f, a, 0, k, b, 0, n, 0f, c, 0, n), c, 0, m, n, n, 1e-5, "A·B twice");
        assertEquals(0, stub.live("device"));
    }

    @Test
    void largeMatricesMoveInChunksThroughTheStagingBuffer() {
        int rows = 3000, cols = 3000, ld = 3001; // 36 MB, more than one 32 MiB staging buffer
        float[] x = matrix(9, 1, rows, cols, ld);
        float[] back = new float[x.length];
        Arrays.fill(back, PAD);
        try (DeviceMatrix d = backend.upload(x, 1, rows, cols, ld)) {
            backend.download(d, back, 1, ld);
        }
        assertArrayEquals(x, back);
        assertEquals(4, stub.calls("cudaMemcpyAsync"), "two chunks each way");
    }

    @Test
    void errorsCarryTheLibrarysOwnMessageAndLeaveCUntouched() {
        int m = 4, n = 3, k = 2;
        float[] a = matrix(1, 0, m, k, k);
        float[] b = matrix(2, 0, k, n, n);
        float[] c = matrix(3, 0, m, n, n);
        float[] original = c.clone();

        stub.fail("cublasSgemm_v2", 13);
        CudaException e = assertThrows(CudaException.class,
                () -> backend.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 1f, c, 0, n));
        assertEquals("cublasSgemm_v2 failed: stub: the GPU program failed to execute (cuBLAS status 13)",
                e.getMessage());
        assertArrayEquals(original, c);

        stub.reset();
        stub.fail("cudaMalloc", 2);
        e = assertThrows(CudaException.class,
                () -> backend.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n));
        assertEquals("cudaMalloc failed: stub: out of memory (CUDA error 2)", e.getMessage());
        assertArrayEquals(original, c);
        assertEquals(0, stub.live("device"), "buffers allocated before the failure are freed");
    }

    @Test
    void aDownloadFailingHalfWayLeavesCUntouchedWhenItIsRead() {
        int m = 3000, n = 3000, k = 1; // C takes two chunks
        float[] a = matrix(1, 0, m, k, k);
        float[] b = matrix(2, 0, k, n, n);
        float[] c = matrix(3, 0, m, n, n);
        float[] original = c.clone();
        // Uploads of A, B and C (two chunks) and the first chunk of C back succeed; the second fails.
        stub.failAfter("cudaMemcpyAsync", 5, 700);
        CudaException e = assertThrows(CudaException.class,
                () -> backend.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 1f, c, 0, n));
        assertTrue(e.getMessage().contains("stub: an illegal memory access was encountered"), e.getMessage());
        assertArrayEquals(original, c);
    }

    @Test
    void eachThreadGetsItsOwnStreamAndHandleAndCloseReleasesThemAll() throws Exception {
        int threads = 3;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            Future<?>[] done = new Future<?>[threads];
            for (int t = 0; t < threads; t++) {
                done[t] = pool.submit(() -> {
                    for (int rep = 0; rep < 2; rep++) {
                        float[] c = new float[4];
                        backend.gemm(false, false, 2, 2, 2, 1f, new float[] {1, 2, 3, 4}, 0, 2,
                                new float[] {1, 0, 0, 1}, 0, 2, 0f, c, 0, 2);
                        assertArrayEquals(new float[] {1, 2, 3, 4}, c);
                    }
                });
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1 + threads, stub.calls("cublasCreate_v2"), "the probing thread's, then one per thread");
        assertEquals(1 + threads, stub.live("stream"));
        assertEquals(threads, stub.live("pinned"), "staging buffers, made on a thread's first transfer");
        backend.close();
        stub.assertNothingLive();
        assertThrows(IllegalStateException.class, () -> backend.allocate(1, 1));
        backend = null;
    }

    @Test
    void tf32IsUsedWhenAskedAndReported() throws BackendUnavailableException {
        int m = 16, n = 16, k = 64;
        float[] a = matrix(1, 0, m, k, k);
        float[] b = matrix(2, 0, k, n, n);
        float[] fp32 = new float[m * n];
        backend.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, fp32, 0, n);
        backend.close();

        backend = CudaGemmBackend.open(Optional.of(stub.directory()), Precision.TF32);
        assertEquals(Precision.TF32, backend.precision());
        assertTrue(backend.describe().endsWith(", TF32"), backend.describe());
        float[] tf32 = new float[m * n];
        backend.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, tf32, 0, n);
        assertEquals(1, stub.calls("cublasGemmEx"));
        assertEquals(1, stub.calls("cublasSgemm_v2"), "only the FP32 product");
        assertClose(reference(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, tf32, 0, n), tf32, 0, m, n, n, 2e-2,
                "TF32");
        assertFalse(Arrays.equals(fp32, tf32), "TF32 rounds the inputs");
    }

    @Test
    void tf32FallsBackToFp32BeforeAmpere() throws BackendUnavailableException {
        backend.close();
        stub.setComputeCapability(7, 5);
        backend = CudaGemmBackend.open(Optional.of(stub.directory()), Precision.TF32);
        assertEquals(Precision.FP32, backend.precision());
        assertTrue(backend.describe().contains("FP32 (TF32 was asked, but sm_75 has no TF32 tensor cores)"),
                backend.describe());
        backend.gemm(false, false, 1, 1, 1, 1f, new float[] {2}, 0, 1, new float[] {3}, 0, 1, 0f, new float[1], 0, 1);
        assertEquals(0, stub.calls("cublasGemmEx"));
    }

    @Test
    void describesTheDeviceAndAcceptsWhatFits() {
        assertEquals("jcontrast stub GPU (sm_80, 132 SMs, 16.0 GiB, CUDA runtime 12.4), "
                + stub.directory().resolve("libcublas.so.12") + ", FP32", backend.describe());
        assertEquals("cuda", backend.name());
        assertTrue(backend.accepts(4096, 4096, 4096));
        assertFalse(backend.accepts(60000, 60000, 128), "14.5 GB of operands on a 16 GiB device");
        assertFalse(backend.accepts(0, 5, 5));
        assertThrows(IllegalArgumentException.class,
                () -> backend.gemm(false, false, 2, 2, 2, 1f, new float[3], 0, 2, new float[4], 0, 2, 0f,
                        new float[4], 0, 2));
    }
}
