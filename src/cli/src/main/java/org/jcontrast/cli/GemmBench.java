package org.jcontrast.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jcontrast.backend.DeviceMode;
import org.jcontrast.backend.GemmRouter;
import org.jcontrast.kernel.KernelProvider;
import org.jcontrast.kernel.Parallel;
import org.jcontrast.tensor.Ops;
import org.jcontrast.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jcontrast bench gemm}: C = A·Aᵀ by the full SGEMM and by the symmetric kernel. */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "Time C = A·Aᵀ (A is M×K) with the full SGEMM and the symmetric kernel; "
                + "GFLOP/s are counted as 2·M·M·K for both.")
final class GemmBench implements Callable<Integer> {
    @Option(names = "--m", defaultValue = "4096", description = "Rows of A (default ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--k", defaultValue = "128", description = "Columns of A (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--threads", description = "Threads (default: all processors).")
    Integer threads;

    @Option(names = "--seconds", defaultValue = "3", description = "Seconds of timed runs per kernel.")
    double seconds;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Option(names = "--device", defaultValue = "cpu", description = "cpu, gpu, or auto: the GPU for products above "
            + "-Djcontrast.gpu.threshold (default ${DEFAULT-VALUE}). gpu reports transfers and compute apart.")
    String device;

    @Option(names = "--tf32", description = "On the GPU, round the inputs to TF32 on tensor cores.")
    boolean tf32;

    @Override
    public Integer call() {
        if (m < 1 || k < 1) {
            throw new IllegalArgumentException("--m and --k must be positive, got " + m + " and " + k);
        }
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        GemmRouter router = GpuGemmBench.route(device, tf32);
        if (router.settings().device() == DeviceMode.GPU) {
            return GpuGemmBench.run(router, m, k, seconds, json);
        }
        Tensor a = Tensor.randn(new SplittableRandom(42), m, k);
        Tensor c = Tensor.zeros(m, m);
        double flops = 2.0 * m * m * k;
        double tGemm = Stopwatch.median(() -> Ops.matmulInto(1f, a, false, a, true, 0f, c), 1.0, seconds, 3);
        double tSym = Stopwatch.median(() -> Ops.gram(a), 1.0, seconds, 3);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("m", m);
        r.put("k", k);
        r.put("threads", Parallel.threads());
        r.put("simd", KernelProvider.get().name());
        r.put("device", router.settings().device().toString());
        r.put("gflops_gemm", flops / tGemm / 1e9);
        r.put("gflops_sym", flops / tSym / 1e9);
        if (json) {
            System.out.println(Json.object(r));
        } else {
            System.out.printf("A·Aᵀ, A %d×%d, %d thread(s), %s kernels%n", m, k, Parallel.threads(),
                    KernelProvider.get().name());
            System.out.printf("  sgemm      %8.2f GFLOP/s  (%.4f s)%n", flops / tGemm / 1e9, tGemm);
            System.out.printf("  symmetric  %8.2f GFLOP/s  (%.4f s)%n", flops / tSym / 1e9, tSym);
        }
        return 0;
    }
}
