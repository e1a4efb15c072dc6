package org.jcontrast.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;
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
 * The matrix products on the kernels chosen at start-up, into a preallocated C (m×m): the three
 * transpose cases of the SGEMM and the symmetric A·Aᵀ. Each does 2·m·m·k flops by the usual
 * count (the symmetric one computes half and mirrors), so GFLOP/s = 2·m·m·k / time.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class GemmBenchmark {
    @Param({"2048"})
    int m;

    @Param({"128"})
    int k;

    @Param({"1"})
    int threads;

    /** m×k. */
    Tensor a;
    /** k×m: B of A·B, and A stored transposed for Aᵀ·B. */
    Tensor b;
    Tensor c;
    /** Bound around each product: the forked JVM's threads setting. */
    Context context;

    @Setup
    public void setup() {
        context = new Context(Context.simdProperty(), threads, OffloadSettings.fromSystemProperties(),
                Context.Streaming.DEFAULT);
        SplittableRandom random = new SplittableRandom(1);
        a = Tensor.randn(random, m, k);
        b = Tensor.randn(random, k, m);
        c = Tensor.zeros(m, m);
        System.out.println("kernels: " + context.kernels().describe());
    }

    /** C = A·B. */
    @Benchmark
    public Tensor sgemmNN() {
        return context.call(() -> {
            Ops.matmulInto(1f, a, false, b, false, 0f, c);
            return c;
        });
    }

    /** C = A·Aᵀ, the similarity matrix of the rows of A. */
    @Benchmark
    public Tensor sgemmNT() {
        return context.call(() -> {
            Ops.matmulInto(1f, a, false, a, true, 0f, c);
            return c;
        });
    }

    /** C = Bᵀ·B with B stored k×m, the shape of a weight gradient. */
    @Benchmark
    public Tensor sgemmTN() {
        return context.call(() -> {
            Ops.matmulInto(1f, b, true, b, false, 0f, c);
            return c;
        });
    }

    /** C = A·Aᵀ by the symmetric kernel: one triangle, mirrored. */
    @Benchmark
    public Tensor symmetric() {
        return context.call(() -> {
            Ops.gramInto(a, c);
            return c;
        });
    }
}
