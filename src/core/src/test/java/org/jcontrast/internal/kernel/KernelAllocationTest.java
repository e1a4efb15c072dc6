package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jcontrast.testing.Providers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Once warmed up, every array kernel and every single-threaded product allocates nothing: the
 * scalar twins, and the vector kernels at the width this JVM chooses, as a service runs them. The
 * core module runs this in JVMs of its own (with default flags, with C2 compiling every branch,
 * and with no kernel method inlined; see its pom): where several widths' copies have run in one
 * JVM, C2 at times boxes vectors in one of them for good (seen in about one run in eight with all
 * widths here, see bench/RESULTS.md), which is not what this test is about.
 */
class KernelAllocationTest {
    /** Long enough for whole blocks and a tail at every width; rows of the 8×8 transposes too. */
    private static final int N = 203;
    private static final int ROWS = 24;

    static Stream<Arguments> providers() {
        return Stream.concat(Stream.of(KernelProvider.scalar()), KernelProvider.vector().stream())
                .map(p -> Arguments.of(Providers.label(p), p));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void aWarmedUpKernelAllocatesNothing(String name, KernelProvider p) {
        ArrayKernel k = p.array();
        GemmKernel gemm = p.gemm();
        Operands a = new Operands(new SplittableRandom(5));
        Products products = new Products(gemm, new SplittableRandom(6));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // C2 takes some 10⁴ calls to compile them all, more on a busy machine: the rounds stop at the first clean one.
        long kernels = Long.MAX_VALUE, productBytes = Long.MAX_VALUE;
        for (int round = 0; round < 100 && (kernels > 0 || productBytes > 0); round++) {
            for (int warm = 0; warm < 1000; warm++) {
                everyKernel(k, a);
            }
            for (int warm = 0; warm < 50; warm++) {
                products.everyProduct(gemm);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int call = 0; call < 20; call++) {
                everyKernel(k, a);
            }
            long middle = threads.getCurrentThreadAllocatedBytes();
            for (int call = 0; call < 20; call++) {
                products.everyProduct(gemm);
            }
            long after = threads.getCurrentThreadAllocatedBytes();
            kernels = Math.min(kernels, middle - before);
            productBytes = Math.min(productBytes, after - middle);
        }
        assertTrue(kernels == 0 && productBytes == 0, name + " allocated " + kernels + " bytes in 20 calls of every array "
                + "kernel and " + productBytes + " in 20 of every product");
    }

    /**
     * Each product of the GEMM kernel on one thread, at a size with tails everywhere, at one of
     * several micro-tiles each way, and at one whose B and Aᵀ the vector kernel reads in place; the
     * rows for {@link GemmKernel#productNT} are packed once, beforehand.
     */
    private static final class Products {
        private static final int[][] SIZES = {{37, 45, 29}, {100, 72, 90}, {64, 64, 256}};
        final float[] a = new float[128 * 128], b = new float[128 * 128], c = new float[128 * 128];
        final PackedRows[] packed = new PackedRows[SIZES.length];

        Products(GemmKernel gemm, SplittableRandom r) {
            for (float[] f : new float[][] {a, b}) {
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) (r.nextDouble() * 2 - 1);
                }
            }
            for (int s = 0; s < SIZES.length; s++) {
                int m = SIZES[s][0], k = SIZES[s][2];
                packed[s] = gemm.pack(a, 0, m, k, new float[(int) gemm.packedSize(m, k)]);
            }
        }

        void everyProduct(GemmKernel gemm) {
            for (int s = 0; s < SIZES.length; s++) {
                int m = SIZES[s][0], n = SIZES[s][1], k = SIZES[s][2];
                gemm.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n);
                gemm.gemm(true, false, m, n, k, 1f, a, 0, m, b, 0, n, 1f, c, 0, n);
                gemm.gemm(false, true, m, n, k, 0.5f, a, 0, k, b, 0, k, 0f, c, 0, n);
                gemm.gemm(true, true, m, n, k, 1f, a, 0, m, b, 0, k, 1f, c, 0, n);
                gemm.productNT(packed[s], 0, m, packed[s], 0, m, c, 0, m);
                gemm.productNT(packed[s], 0, m / 2, packed[s], m / 2, m - m / 2, c, 0, m);
                gemm.syrkLower(0, m, k, 1f, a, 0, k, 0f, c, 0, m);
                gemm.gramBand(m / 3, m, k, a, 0, k, c, 0, m);
            }
        }
    }

    /** The calls' arrays: values in (−1, 1), positive where a kernel takes a root or a log. */
    private static final class Operands {
        final float[] x = new float[ROWS * N], y = new float[ROWS * N], g = new float[ROWS * N];
        final float[] out = new float[ROWS * N], across = new float[N], weights = new float[N];
        final float[] negMean = new float[N], invStd = new float[N], gamma = new float[N], beta = new float[N];
        final float[] dBeta = new float[N], dGamma = new float[N], cg = new float[N], c1 = new float[N], cx = new float[N];
        final float[] w = new float[N], m = new float[N], v = new float[N];
        final AdamCoefficients adam = new AdamCoefficients(0.999f, 0.9f, 0.999f, 1e-3f, 1.01f, 1e-8f);
        float sink;

        Operands(SplittableRandom r) {
            for (float[] f : new float[][] {x, y, g, weights, negMean, gamma, beta, cg, c1, cx, w, m}) {
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) (r.nextDouble() * 2 - 1);
                }
            }
            for (float[] f : new float[][] {invStd, v}) {
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) r.nextDouble() + 0.5f;
                }
            }
        }
    }

    private static void everyKernel(ArrayKernel k, Operands a) {
        float s = k.max(a.x, 1, N) + k.firstNonFinite(a.x, 1, N) + k.sum(a.x, 1, N) + k.dot(a.x, 1, a.y, 2, N)
                + k.sumExp(a.x, 1, 1f, N) + k.sumScaledExp(a.x, 1, 2f, 2f, false, a.across, 0, null, 0, N)
                + k.sumScaledExp(a.x, 1, 2f, 2f, true, null, 0, a.out, 3, N);
        k.exp(a.x, 1, 1f, a.out, 0, N);
        k.scaledExp(a.x, 1, 2f, 2f, false, 0.5f, null, 0, a.out, 0, N);
        k.scaledExp(a.x, 1, 2f, 2f, true, 0.5f, a.weights, 0, a.out, 0, N);
        k.weigh(a.x, 1, 0.5f, a.weights, 0, a.out, 0, N);
        k.log(a.invStd, 0, a.out, 0, N);
        k.affine(2f, a.x, 1, 1f, a.out, 0, N);
        k.axpy(0.5f, a.x, 1, a.out, 0, N);
        k.add(a.x, 1, a.y, 2, a.out, 0, N);
        k.mul(a.x, 1, a.y, 2, a.out, 0, N);
        k.relu(a.x, 1, a.out, 0, N);
        k.reluBackward(a.y, 2, a.g, 0, a.out, 0, N);
        k.addColumnSums(a.x, 1, N, ROWS - 1, a.out, 0, N);
        k.addSquaredDeviations(a.x, 1, N, ROWS - 1, a.negMean, a.out, 0, N);
        k.batchNormRow(a.x, 1, a.negMean, a.invStd, 0, a.gamma, 0, a.beta, 0, false, a.out, 0, N);
        k.batchNormRow(a.x, 1, a.negMean, a.invStd, 0, a.gamma, 0, a.beta, 0, true, a.out, 0, N);
        k.addBatchNormGradients(a.g, 0, null, 0, a.x, 1, N, ROWS - 1, a.negMean, a.invStd, a.dBeta, a.dGamma, 0, N);
        k.addBatchNormGradients(a.g, 0, a.y, 2, a.x, 1, N, ROWS - 1, a.negMean, a.invStd, a.dBeta, a.dGamma, 0, N);
        k.batchNormInputGradient(a.g, 0, null, 0, a.x, 1, a.negMean, a.invStd, a.cg, a.c1, a.cx, 0, a.out, 0, N);
        k.batchNormInputGradient(a.g, 0, a.y, 2, a.x, 1, a.negMean, a.invStd, a.cg, a.c1, a.cx, 0, a.out, 0, N);
        k.adamW(a.adam, a.w, 0, a.g, 0, a.m, 0, a.v, 0, N);
        k.transpose(a.x, 1, N, ROWS, N - 3, a.out, 0, ROWS, false);
        k.transpose(a.x, 1, N, ROWS, N - 3, a.out, 0, ROWS, true);
        a.sink += s;
    }
}
