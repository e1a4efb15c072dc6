package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jcontrast.testing.Providers;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Once warmed up, every array kernel allocates nothing, at every vector width. The core module's
 * {@code no-uncommon-traps} and {@code kernel-calls-out-of-line} test runs repeat this with C2
 * compiling every branch, and with no kernel method inlined: a vector that a loop boxes on some
 * path, or that crosses a call (a helper's argument or result), then allocates in every run
 * instead of in the rare run where C2 makes that choice (see {@link org.jcontrast.internal.loss.SteadyStateAllocationTest}).
 */
class KernelAllocationTest {
    /** Long enough for whole blocks and a tail at every width; rows of the 8×8 transposes too. */
    private static final int N = 203;
    private static final int ROWS = 24;

    static Stream<Arguments> providers() {
        return Providers.all().stream().map(p -> Arguments.of(Providers.label(p), p.array()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void aWarmedUpKernelAllocatesNothing(String name, ArrayKernel k) {
        Arrays a = new Arrays(new SplittableRandom(5));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        // C2 takes some 10⁴ calls to compile them all, more on a busy machine: the rounds stop at the first clean one.
        long fewest = Long.MAX_VALUE;
        for (int round = 0; round < 100 && fewest > 0; round++) {
            for (int warm = 0; warm < 1000; warm++) {
                everyKernel(k, a);
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int call = 0; call < 20; call++) {
                everyKernel(k, a);
            }
            fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
        }
        assertEquals(0, fewest, name + " allocated in 20 calls of every kernel");
    }

    /** The calls' arrays: values in (−1, 1), positive where a kernel takes a root or a log. */
    private static final class Arrays {
        final float[] x = new float[ROWS * N], y = new float[ROWS * N], g = new float[ROWS * N];
        final float[] out = new float[ROWS * N], across = new float[N], weights = new float[N];
        final float[] negMean = new float[N], invStd = new float[N], gamma = new float[N], beta = new float[N];
        final float[] dBeta = new float[N], dGamma = new float[N], cg = new float[N], c1 = new float[N], cx = new float[N];
        final float[] w = new float[N], m = new float[N], v = new float[N];
        final AdamCoefficients adam = new AdamCoefficients(0.999f, 0.9f, 0.999f, 1e-3f, 1.01f, 1e-8f);
        float sink;

        Arrays(SplittableRandom r) {
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

    private static void everyKernel(ArrayKernel k, Arrays a) {
        float s = k.max(a.x, 1, N) + k.firstNonFinite(a.x, 1, N) + k.sum(a.x, 1, N) + k.dot(a.x, 1, a.y, 2, N)
                + k.sumExp(a.x, 1, 1f, N) + k.sumScaledExp(a.x, 1, 2f, 2f, a.across, 0, null, 0, N)
                + k.sumScaledExp(a.x, 1, 2f, 2f, null, 0, a.out, 3, N);
        k.exp(a.x, 1, 1f, a.out, 0, N);
        k.scaledExp(a.x, 1, 2f, 2f, 0.5f, null, 0, a.out, 0, N);
        k.scaledExp(a.x, 1, 2f, 2f, 0.5f, a.weights, 0, a.out, 0, N);
        k.weigh(a.x, 1, 0.5f, a.weights, 0, a.out, 0, N);
        k.log(a.invStd, 0, a.out, 0, N);
        k.affine(2f, a.x, 1, 1f, a.out, 0, N);
        k.axpy(0.5f, a.x, 1, a.out, 0, N);
        k.add(a.x, 1, a.y, 2, a.out, 0, N);
        k.mul(a.x, 1, a.y, 2, a.out, 0, N);
        k.relu(a.x, 1, a.out, 0, N);
        k.reluBackward(a.y, 2, a.g, 0, a.out, 0, N);
        k.addSquaredDeviations(a.x, 1, a.negMean, a.out, 0, N);
        k.batchNormRow(a.x, 1, a.negMean, a.invStd, 0, a.gamma, 0, a.beta, 0, false, a.out, 0, N);
        k.batchNormRow(a.x, 1, a.negMean, a.invStd, 0, a.gamma, 0, a.beta, 0, true, a.out, 0, N);
        k.addBatchNormGradients(a.g, 0, null, 0, a.x, 1, a.negMean, a.invStd, a.dBeta, a.dGamma, 0, N);
        k.addBatchNormGradients(a.g, 0, a.y, 2, a.x, 1, a.negMean, a.invStd, a.dBeta, a.dGamma, 0, N);
        k.batchNormInputGradient(a.g, 0, null, 0, a.x, 1, a.negMean, a.invStd, a.cg, a.c1, a.cx, 0, a.out, 0, N);
        k.batchNormInputGradient(a.g, 0, a.y, 2, a.x, 1, a.negMean, a.invStd, a.cg, a.c1, a.cx, 0, a.out, 0, N);
        k.adamW(a.adam, a.w, 0, a.g, 0, a.m, 0, a.v, 0, N);
        k.transpose(a.x, 1, N, ROWS, N - 3, a.out, 0, ROWS, false);
        k.transpose(a.x, 1, N, ROWS, N - 3, a.out, 0, ROWS, true);
        a.sink += s;
    }
}
