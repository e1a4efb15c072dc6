package org.jcontrast.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.jcontrast.kernel.KernelProvider;
import org.jcontrast.kernel.Parallel;
import org.jcontrast.tensor.Ops;
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

/** C = A·Aᵀ by the full SGEMM and by the symmetric kernel, on the shapes contrastive learning uses. */
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

    Tensor a;
    Tensor c;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        a = Tensor.randn(new SplittableRandom(1), m, k);
        c = Tensor.zeros(m, m);
        System.out.println("kernels: " + KernelProvider.get().describe());
    }

    @Benchmark
    public Tensor sgemmNT() {
        Ops.matmulInto(1f, a, false, a, true, 0f, c);
        return c;
    }

    @Benchmark
    public Tensor symmetric() {
        return Ops.gram(a);
    }
}
