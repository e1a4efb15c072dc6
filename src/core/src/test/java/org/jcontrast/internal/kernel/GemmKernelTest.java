package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jcontrast.internal.Context;
import org.jcontrast.testing.Contexts;
import org.jcontrast.testing.Providers;
import org.jcontrast.testing.Reference64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class GemmKernelTest {
    private static final int[] SIZES = {1, 7, 13, 207};

    /** Every provider at every width with every micro-tile shape: each shape runs on every host. */
    private static final List<KernelProvider> SHAPES = Providers.all().stream()
            .flatMap(p -> p.tileShapes().stream())
            .toList();

    static Stream<Arguments> providersAndTransposes() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (KernelProvider p : SHAPES) {
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    b.add(Arguments.of(p.describe(), p, ta, tb));
                }
            }
        }
        return b.build();
    }

    static Stream<Arguments> providers() {
        return SHAPES.stream().map(p -> Arguments.of(p.describe(), p));
    }

    @Test
    void everyVectorWidthHasBothTileShapes() {
        for (int bits : KernelProvider.vectorWidths()) {
            List<String> shapes = KernelProvider.vector(bits).tileShapes().stream().map(KernelProvider::describe).toList();
            int floats = 2 * bits / Float.SIZE;
            assertEquals(List.of("4×" + floats, "8×" + floats),
                    shapes.stream().map(d -> d.replaceAll(".* (\\d+×\\d+) GEMM tile\\)", "$1")).toList(), shapes.toString());
        }
    }

    /** Tolerance for a float32 dot product of length k with entries of size ~1, relative to float64. */
    static double tolerance(int k) {
        return 1e-5 * Math.sqrt(k) * 4 + 1e-6 * k;
    }

    static float[] random(SplittableRandom r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return x;
    }

    @ParameterizedTest(name = "{0} transA={2} transB={3}")
    @MethodSource("providersAndTransposes")
    void gemmMatchesFloat64OnAwkwardSizes(String name, KernelProvider p, boolean ta, boolean tb) {
        SplittableRandom r = new SplittableRandom(7);
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : new int[] {1, 13, 300}) {
                    checkGemm(p, ta, tb, m, n, k, 1.5f, 0f, r);
                    checkGemm(p, ta, tb, m, n, k, -0.5f, 0.75f, r);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} transA={2} transB={3}")
    @MethodSource("providersAndTransposes")
    void gemmMatchesFloat64OnRandomShapes(String name, KernelProvider p, boolean ta, boolean tb) {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 12; trial++) {
            checkGemm(p, ta, tb, 1 + r.nextInt(130), 1 + r.nextInt(130), 1 + r.nextInt(600), 1f, 0f, r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gemmLargeAndUnevenBlocks(String name, KernelProvider p) {
        SplittableRandom r = new SplittableRandom(3);
        checkGemm(p, false, true, 1000, 2100, 257, 1f, 0f, r);
        checkGemm(p, true, false, 99, 4098, 33, 1f, 1f, r);
        // Three k-blocks, two row blocks of the long k-blocks and two column blocks, added into an old C.
        checkGemm(p, false, true, 250, 2100, 1100, 1f, 0.5f, r);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gemmParallelGivesGemmsBitsOnEveryPath(String name, KernelProvider p) throws Exception {
        SplittableRandom r = new SplittableRandom(17);
        // {m, n, k}: row blocks shared across two k-blocks; across two column blocks; too few row
        // blocks to share; and no k at all.
        int[][] shapes = {{800, 40, 600}, {200, 2100, 100}, {60, 300, 40}, {300, 20, 0}};
        for (int threads : new int[] {2, 3}) {
            Contexts.withThreads(threads, () -> {
                for (int[] s : shapes) {
                    for (boolean ta : new boolean[] {false, true}) {
                        for (float beta : new float[] {0f, 1f, 0.5f}) {
                            checkParallelBits(p, ta, !ta, s[0], s[1], s[2], beta, r);
                        }
                    }
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gramParallelGivesOneBandsBits(String name, KernelProvider p) throws Exception {
        SplittableRandom r = new SplittableRandom(19);
        // {n, k}: row blocks shared across two k-blocks; across two column blocks; too few row
        // blocks to share; and no k at all.
        int[][] shapes = {{900, 600}, {2300, 40}, {100, 30}, {200, 0}};
        for (int threads : new int[] {2, 3}) {
            int t = threads;
            Contexts.withThreads(threads, () -> {
                for (int[] s : shapes) {
                    int n = s[0], k = s[1];
                    float[] a = random(r, n * k);
                    float[] whole = random(r, n * n);
                    float[] parallel = random(r, n * n);
                    p.gemm().gramBand(0, n, k, a, 0, k, whole, 0, n);
                    p.gemm().gramParallel(n, k, a, 0, k, parallel, 0, n);
                    for (int i = 0; i < n * n; i++) {
                        if (Float.floatToRawIntBits(whole[i]) != Float.floatToRawIntBits(parallel[i])) {
                            throw new AssertionError(p.name() + " gramParallel n=" + n + " k=" + k + " on " + t
                                    + " threads: C[" + i / n + "][" + i % n + "] = " + parallel[i]
                                    + ", one band gives " + whole[i]);
                        }
                    }
                }
            });
        }
    }

    private static void checkParallelBits(KernelProvider p, boolean ta, boolean tb, int m, int n, int k, float beta,
                                          SplittableRandom r) {
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] serial = random(r, m * n);
        float[] parallel = serial.clone();
        p.gemm().gemm(ta, tb, m, n, k, 1.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, serial, 0, n);
        p.gemm().gemmParallel(ta, tb, m, n, k, 1.5f, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, parallel, 0, n);
        for (int i = 0; i < m * n; i++) {
            if (Float.floatToRawIntBits(serial[i]) != Float.floatToRawIntBits(parallel[i])) {
                throw new AssertionError(p.name() + " gemmParallel ta=" + ta + " m=" + m + " n=" + n + " k=" + k
                        + " beta=" + beta + " on " + Parallel.threads() + " threads: C[" + i / n + "][" + i % n
                        + "] = " + parallel[i] + ", gemm gives " + serial[i]);
            }
        }
    }

    private static void checkGemm(KernelProvider p, boolean ta, boolean tb, int m, int n, int k, float alpha,
                                  float beta, SplittableRandom r) {
        float[] a = random(r, m * k);
        float[] b = random(r, k * n);
        float[] c = random(r, m * n);
        double[] expect = Reference64.matmul(ta, tb, m, n, k, Reference64.widen(a), Reference64.widen(b));
        float[] c0 = c.clone();
        p.gemm().gemm(ta, tb, m, n, k, alpha, a, 0, ta ? m : k, b, 0, tb ? k : n, beta, c, 0, n);
        double tol = tolerance(k) * Math.abs(alpha) + 1e-6;
        for (int i = 0; i < m * n; i++) {
            double e = alpha * expect[i] + beta * c0[i];
            if (Math.abs(c[i] - e) > tol) {
                throw new AssertionError(p.name() + " gemm ta=" + ta + " tb=" + tb + " m=" + m + " n=" + n + " k=" + k
                        + " alpha=" + alpha + " beta=" + beta + ": C[" + i / n + "][" + i % n + "] = " + c[i]
                        + ", expected " + e);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gemmWithOffsetsAndStridesTouchesOnlyItsWindow(String name, KernelProvider p) {
        SplittableRandom r = new SplittableRandom(5);
        int m = 9, n = 21, k = 17, lda = k + 3, ldb = n + 5, ldc = n + 2, off = 4;
        float[] a = random(r, off + m * lda);
        float[] b = random(r, off + k * ldb);
        float[] c = new float[off + m * ldc + 3];
        java.util.Arrays.fill(c, 99f);
        p.gemm().gemm(false, false, m, n, k, 1f, a, off, lda, b, off, ldb, 0f, c, off, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int at = off + i * ldc + j;
                if (j >= n) {
                    assertEquals(99f, c[at], "padding column written at row " + i + " col " + j);
                    continue;
                }
                double s = 0;
                for (int q = 0; q < k; q++) {
                    s += (double) a[off + i * lda + q] * b[off + q * ldb + j];
                }
                assertEquals(s, c[at], tolerance(k));
            }
        }
        assertEquals(99f, c[0]);
        assertEquals(99f, c[c.length - 1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void betaZeroIgnoresNaNInC(String name, KernelProvider p) {
        float[] a = {1, 2, 3, 4};
        float[] c = {Float.NaN, Float.NaN, Float.NaN, Float.NaN};
        p.gemm().gemm(false, false, 2, 2, 2, 1f, a, 0, 2, a, 0, 2, 0f, c, 0, 2);
        assertEquals(7f, c[0]);
        assertEquals(22f, c[3]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void nanInAPropagates(String name, KernelProvider p) {
        float[] a = new float[40 * 40];
        a[5] = Float.NaN;
        float[] c = new float[40 * 40];
        p.gemm().gemm(false, true, 40, 40, 40, 1f, a, 0, 40, a, 0, 40, 0f, c, 0, 40);
        assertTrue(Float.isNaN(c[0]), "row 0 uses the NaN");
        assertEquals(0f, c[41], "row 1 times row 1 does not");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void syrkLowerWritesExactlyTheLowerBand(String name, KernelProvider p) {
        SplittableRandom r = new SplittableRandom(9);
        for (int n : new int[] {1, 7, 13, 207, 1000}) {
            for (int k : new int[] {1, 13, 300}) {
                float[] a = random(r, n * k);
                double[] full = Reference64.matmul(false, true, n, n, k, Reference64.widen(a), Reference64.widen(a));
                int from = n / 3, to = n - n / 5;
                float[] c = new float[n * n];
                java.util.Arrays.fill(c, 42f);
                p.gemm().syrkLower(from, to, k, 2f, a, 0, k, 0f, c, 0, n);
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < n; j++) {
                        boolean inBand = i >= from && i < to && j <= i;
                        float got = c[i * n + j];
                        if (inBand) {
                            assertEquals(2 * full[i * n + j], got, 2 * tolerance(k), "n=" + n + " k=" + k
                                    + " (" + i + "," + j + ")");
                        } else {
                            assertEquals(42f, got, "n=" + n + " k=" + k + " wrote outside the band at (" + i + ","
                                    + j + ")");
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void syrkLowerHonoursBeta(String name, KernelProvider p) {
        SplittableRandom r = new SplittableRandom(13);
        int n = 37, k = 29;
        float[] a = random(r, n * k);
        float[] c = random(r, n * n);
        float[] c0 = c.clone();
        double[] full = Reference64.matmul(false, true, n, n, k, Reference64.widen(a), Reference64.widen(a));
        p.gemm().syrkLower(0, n, k, 1f, a, 0, k, 0.5f, c, 0, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                assertEquals(full[i * n + j] + 0.5 * c0[i * n + j], c[i * n + j], tolerance(k));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gramBandWritesTheBandAndItsMirrorOnly(String name, KernelProvider p) {
        SplittableRandom r = new SplittableRandom(19);
        for (int n : new int[] {1, 7, 13, 207, 1000}) {
            for (int k : new int[] {0, 1, 13, 300, 600}) {
                checkGramBand(p, n, k, n / 3, n - n / 5, r);
            }
        }
        for (int trial = 0; trial < 10; trial++) {
            int n = 1 + r.nextInt(300);
            int from = r.nextInt(n + 1);
            checkGramBand(p, n, 1 + r.nextInt(520), from, from + r.nextInt(n - from + 1), r);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gramBandWiderThanOneColumnBlock(String name, KernelProvider p) {
        SplittableRandom r = new SplittableRandom(23);
        checkGramBand(p, 2100, 40, 1700, 2100, r);
        checkGramBand(p, 4098, 3, 0, 4098, r);
    }

    /** Runs gramBand on a C full of 42s and checks every entry: the band and its mirror, and nothing else. */
    private static void checkGramBand(KernelProvider p, int n, int k, int from, int to, SplittableRandom r) {
        float[] a = random(r, n * k);
        double[] full = Reference64.matmul(false, true, n, n, k, Reference64.widen(a), Reference64.widen(a));
        float[] c = new float[n * n];
        java.util.Arrays.fill(c, 42f);
        p.gemm().gramBand(from, to, k, a, 0, k, c, 0, n);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int row = Math.max(i, j), col = Math.min(i, j);
                float got = c[i * n + j];
                String where = p.name() + " n=" + n + " k=" + k + " band [" + from + ", " + to + ") at (" + i + ","
                        + j + ")";
                if (row >= from && row < to) {
                    assertEquals(full[row * n + col], got, tolerance(k), where);
                } else if (got != 42f) {
                    throw new AssertionError(where + ": wrote " + got + " outside the band and its mirror");
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gramBandPropagatesNaN(String name, KernelProvider p) {
        int n = 40, k = 40;
        float[] a = new float[n * k];
        a[5 * k + 3] = Float.NaN;
        float[] c = new float[n * n];
        p.gemm().gramBand(0, n, k, a, 0, k, c, 0, n);
        assertTrue(Float.isNaN(c[5 * n + 30]) && Float.isNaN(c[30 * n + 5]), "row and column 5 use the NaN");
        assertEquals(0f, c[30 * n + 31], "others do not");
    }

    /**
     * A product of blocks of packed rows gives the bits of gemm(false, true) on the rows themselves,
     * for blocks on and off the panels' edges, ragged last blocks, rows packed once for both sides
     * (with diagonal blocks, whose upper triangle is the lower one mirrored), and rows too long to
     * pack (k above the k-block).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void productOfPackedRowsGivesGemmsBits(String name, KernelProvider p) {
        GemmKernel g = p.gemm();
        SplittableRandom r = new SplittableRandom(23);
        for (int k : new int[] {1, 13, 128, 600}) {
            int rows = 200, cols = 131;
            float[] a = random(r, 5 + rows * k);
            float[] b = random(r, cols * k);
            PackedRows pr = g.pack(a, 5, rows, k, new float[(int) g.packedSize(rows, k)]);
            PackedRows pc = g.pack(b, 0, cols, k, new float[(int) g.packedSize(cols, k)]);
            // {r0, m, c0, n}: on the panels, ragged; off the panels; the whole; empty; square blocks,
            // which on the same rows are the diagonal blocks of A·Aᵀ: on the panels, ragged, the whole.
            int[][] blocks = {{64, 100, 32, 99}, {3, 37, 5, 17}, {0, rows, 0, cols}, {8, 0, 0, 4}, {64, 96, 64, 96},
                {32, 100, 32, 100}, {0, rows, 0, rows}};
            for (int[] bl : blocks) {
                for (boolean same : new boolean[] {false, true}) {
                    PackedRows right = same ? pr : pc;
                    float[] source = same ? a : b;
                    int offset = same ? 5 : 0;
                    int n = Math.min(bl[3], right.rows() - bl[2]);
                    float[] want = new float[bl[1] * n + 3];
                    float[] got = new float[bl[1] * n + 3];
                    Arrays.fill(got, Float.NaN);
                    g.gemm(false, true, bl[1], n, k, 1f, a, 5 + bl[0] * k, k, source, offset + bl[2] * k, k, 0f,
                            want, 3, n);
                    g.productNT(pr, bl[0], bl[1], right, bl[2], n, got, 3, n);
                    assertArrayEquals(Arrays.copyOfRange(want, 3, want.length), Arrays.copyOfRange(got, 3, got.length),
                            "k=" + k + " block " + Arrays.toString(bl) + " same rows " + same);
                }
            }
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.productNT(
                g.pack(new float[40], 0, 10, 4, new float[(int) g.packedSize(10, 4)]), 8, 4,
                g.pack(new float[40], 0, 10, 4, new float[(int) g.packedSize(10, 4)]), 0, 2, new float[8], 0, 2));
        assertTrue(e.getMessage().contains("blocks [8, 12) of 10 rows"), e.getMessage());
    }

    /**
     * A product with a block of packed rows gives the bits of gemm(transA, false, ..., beta 1) on the
     * block's rows: every block of rows cut into blocks of 1, 64 (the last one ragged) and 600 (above
     * the k-block, not packed), with rows whose width fills NR-column panels or not, and A read
     * transposed or not.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void productWithPackedBlocksGivesGemmsBits(String name, KernelProvider p) {
        GemmKernel g = p.gemm();
        SplittableRandom r = new SplittableRandom(41);
        int rows = 200, m = 72;
        for (int cols : new int[] {13, 128}) {
            float[] b = random(r, 9 + rows * cols);
            for (int block : new int[] {1, 64, 600}) {
                PackedBlocks packed = g.packBlocks(b, 9, rows, cols, block,
                        new float[(int) g.packedBlocksSize(rows, cols, block)]);
                for (int q = 0; q < packed.blocks(); q += Math.max(1, packed.blocks() / 7)) {
                    int k = packed.rowsIn(q);
                    for (boolean ta : new boolean[] {false, true}) {
                        float[] a = random(r, 2 + m * k);
                        float[] want = random(r, 5 + m * cols);
                        float[] got = want.clone();
                        g.gemm(ta, false, m, cols, k, 1f, a, 2, ta ? m : k, b, 9 + packed.firstRow(q) * cols, cols, 1f,
                                want, 5, cols);
                        g.addProduct(ta, m, a, 2, ta ? m : k, packed, q, got, 5, cols);
                        assertArrayEquals(want, got,
                                cols + " columns, block " + q + " of " + block + " rows, transA=" + ta);
                    }
                }
            }
        }
        PackedBlocks small = g.packBlocks(new float[40], 0, 10, 4, 4, new float[(int) g.packedBlocksSize(10, 4, 4)]);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.addProduct(false, 2, new float[8], 0, 4, small, 3, new float[8], 0, 4));
        assertTrue(e.getMessage().contains("block 3 of 3 (10 rows in blocks of 4)"), e.getMessage());
    }

    /**
     * Within one k-block, with alpha 1 and beta 0 or 1, each entry is the scalar twin's sum: one
     * fused multiply-add per step in k order, then C added. So the bits are the twin's whether an
     * operand is packed or read where it lies, on one thread or shared between two. These shapes
     * read Aᵀ in place at every width and B at 256 and 512 bits (the streaming losses' 256 × 128 ×
     * 256 among them, and 512-row products whose row blocks the threads share), pack blocks that
     * span too much memory or serve many panels of B, and pack ragged edges.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void gemmGivesTheScalarTwinsBitsWithinOneKBlock(String name, KernelProvider p) throws Exception {
        GemmKernel g = p.gemm();
        GemmKernel twin = KernelProvider.scalar().gemm();
        SplittableRandom r = new SplittableRandom(31);
        int[][] shapes = {{96, 64, 256}, {256, 128, 256}, {200, 128, 256}, {64, 96, 512}, {64, 32, 256},
            {512, 64, 256}, {512, 64, 128}, {200, 512, 256}, {200, 64, 512}, {40, 37, 13}, {13, 64, 100}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (boolean ta : new boolean[] {false, true}) {
                for (boolean tb : new boolean[] {false, true}) {
                    float[] a = random(r, 3 + m * k);
                    float[] b = random(r, n * k);
                    float[] c0 = random(r, m * n);
                    for (float beta : new float[] {0f, 1f}) {
                        float[] want = c0.clone();
                        float[] got = c0.clone();
                        float[] shared = c0.clone();
                        twin.gemm(ta, tb, m, n, k, 1f, a, 3, ta ? m : k, b, 0, tb ? k : n, beta, want, 0, n);
                        g.gemm(ta, tb, m, n, k, 1f, a, 3, ta ? m : k, b, 0, tb ? k : n, beta, got, 0, n);
                        Contexts.withThreads(2, () -> g.gemmParallel(ta, tb, m, n, k, 1f, a, 3, ta ? m : k, b, 0,
                                tb ? k : n, beta, shared, 0, n));
                        String where = m + "x" + n + "x" + k + " transA=" + ta + " transB=" + tb + " beta=" + beta;
                        assertArrayEquals(want, got, where);
                        assertArrayEquals(want, shared, where + " on two threads");
                    }
                }
            }
        }
    }

    /**
     * Packing splits large inputs between the threads, by whole panels or blocks: the same panels as
     * on one thread.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void packingOnSeveralThreadsLaysOutTheSamePanels(String name, KernelProvider p) throws Exception {
        GemmKernel g = p.gemm();
        int rows = 6001, k = 128;
        float[] a = random(new SplittableRandom(29), 7 + rows * k);
        float[] alone = new float[(int) g.packedSize(rows, k)];
        Contexts.withThreads(1, () -> g.pack(a, 7, rows, k, alone));
        for (int threads : new int[] {2, 3}) {
            float[] shared = new float[alone.length];
            Arrays.fill(shared, Float.NaN);
            Contexts.withThreads(threads, () -> g.pack(a, 7, rows, k, shared));
            assertArrayEquals(alone, shared, threads + " threads");
        }
        int block = 256;
        float[] blocksAlone = new float[(int) g.packedBlocksSize(rows, k, block)];
        Contexts.withThreads(1, () -> g.packBlocks(a, 7, rows, k, block, blocksAlone));
        for (int threads : new int[] {2, 3}) {
            float[] shared = new float[blocksAlone.length];
            Arrays.fill(shared, Float.NaN);
            Contexts.withThreads(threads, () -> g.packBlocks(a, 7, rows, k, block, shared));
            assertArrayEquals(blocksAlone, shared, threads + " threads, in blocks");
        }
    }

    @Test
    void misuseNamesTheProblem() {
        GemmKernel g = Context.current().kernels().gemm();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> g.gemm(false, false, 4, 4, 4, 1f, new float[15], 0, 4, new float[16], 0, 4, 0f, new float[16], 0, 4));
        assertTrue(e.getMessage().contains("A: a 4x4 matrix"), e.getMessage());
    }

    @Test
    void scalarAndVectorAgreeClosely() {
        KernelProvider.vector().ifPresent(v -> {
            SplittableRandom r = new SplittableRandom(17);
            int m = 133, n = 77, k = 515;
            float[] a = random(r, m * k);
            float[] b = random(r, n * k);
            float[] cs = new float[m * n];
            float[] cv = new float[m * n];
            KernelProvider.scalar().gemm().gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, cs, 0, n);
            v.gemm().gemm(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0f, cv, 0, n);
            for (int i = 0; i < cs.length; i++) {
                assertEquals(cs[i], cv[i], tolerance(k), "element " + i);
            }
        });
        assertTrue(Providers.all().size() >= 1);
    }
}
