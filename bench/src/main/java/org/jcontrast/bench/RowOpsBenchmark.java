package org.jcontrast.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.kernel.KernelProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Row-wise logsumexp, softmax and L2 normalisation on one thread, with the scalar and the Vector
 * API kernels side by side ({@code simd} parameter). Each row is processed from the
 * {@link ArrayKernel} primitives in the order {@code Ops} uses them (max, then the shifted
 * exponentials, then the sum or the scale), into preallocated output, so the figures are the
 * kernels' and no allocation's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class RowOpsBenchmark {
    @Param({"scalar", "vector"})
    String simd;

    @Param({"8192"})
    int cols;

    @Param({"16"})
    int rows;

    ArrayKernel kernel;
    float[] x;
    float[] out;
    float[] perRow;

    @Setup
    public void setup() {
        KernelProvider p = simd.equals("scalar") ? KernelProvider.scalar()
                : KernelProvider.vector().orElseThrow(() -> new IllegalStateException(
                        "the vector kernels need --add-modules jdk.incubator.vector"));
        kernel = p.array();
        SplittableRandom random = new SplittableRandom(3);
        x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 4);
        }
        out = new float[rows * cols];
        perRow = new float[rows];
    }

    /** Max-shifted logsumexp of every row. */
    @Benchmark
    public float[] logSumExp() {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float m = kernel.max(x, o, cols);
            perRow[r] = m + (float) Math.log(kernel.sumExp(x, o, m, cols));
        }
        return perRow;
    }

    /** Softmax of every row. */
    @Benchmark
    public float[] softmax() {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float m = kernel.max(x, o, cols);
            kernel.exp(x, o, m, out, o, cols);
            kernel.affine(1f / kernel.sum(out, o, cols), out, o, 0f, out, o, cols);
        }
        return out;
    }

    /** z / ‖z‖ for every row. */
    @Benchmark
    public float[] normalizeRows() {
        for (int r = 0; r < rows; r++) {
            int o = r * cols;
            float norm = (float) Math.sqrt(kernel.dot(x, o, x, o, cols));
            kernel.affine(1f / Math.max(norm, 1e-12f), x, o, 0f, out, o, cols);
        }
        return out;
    }
}
