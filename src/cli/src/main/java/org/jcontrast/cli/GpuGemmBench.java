package org.jcontrast.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.jcontrast.cuda.CudaGemmBackend;
import org.jcontrast.cuda.DeviceMatrix;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * {@code jcontrast bench gemm --device gpu}: C = A·Aᵀ on the GPU end to end, as {@link Ops} runs it,
 * and, on CUDA, split into the transfer of A, the product on the device, and the transfer of C.
 */
final class GpuGemmBench {
    private GpuGemmBench() {
    }

    static int run(GemmRouter router, int m, int k, double seconds, boolean json) {
        GemmBackend backend = DeviceOptions.requireBackend(router);
        Tensor a = Tensor.randn(new SplittableRandom(42), m, k);
        Tensor c = Tensor.zeros(m, m);
        double flops = 2.0 * m * m * k;
        double tGemm = Stopwatch.median(() -> Ops.matmulInto(1f, a, false, a, true, 0f, c), 1.0, seconds, 3);
        double tSym = Stopwatch.median(() -> Ops.gram(a), 1.0, seconds, 3);
        DeviceOptions.requireNoFailure(router);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("m", m);
        r.put("k", k);
        DeviceOptions.report(router, r);
        r.put("gflops_gemm", flops / tGemm / 1e9);
        r.put("gflops_sym", flops / tSym / 1e9);
        if (backend instanceof CudaGemmBackend cuda) {
            phases(cuda, a, c, seconds, r);
        }
        if (json) {
            System.out.println(Json.object(r));
            return 0;
        }
        System.out.printf("A·Aᵀ, A %d×%d, on %s: %s%n", m, k, backend.name(), backend.describe());
        System.out.printf("  sgemm      %9.2f GFLOP/s end to end (%.4f s)", flops / tGemm / 1e9, tGemm);
        printDevice(r, "gflops_gemm_device", "gemm_device_s");
        System.out.printf("  symmetric  %9.2f GFLOP/s end to end (%.4f s)", flops / tSym / 1e9, tSym);
        printDevice(r, "gflops_sym_device", "syrk_device_s");
        if (r.containsKey("upload_a_s")) {
            double up = (double) r.get("upload_a_s"), down = (double) r.get("download_c_s");
            System.out.printf("  transfers  A to the device %.3f ms (%.2f GB/s), C back %.3f ms (%.2f GB/s)%n",
                    up * 1e3, 4.0 * m * k / up / 1e9, down * 1e3, 4.0 * m * m / down / 1e9);
        }
        return 0;
    }

    /** Times each phase apart: A's upload (with its allocation), SGEMM and SYRK on the device, C's download. */
    private static void phases(CudaGemmBackend cuda, Tensor a, Tensor c, double seconds, Map<String, Object> r) {
        int m = a.dim(0), k = a.dim(1);
        double flops = 2.0 * m * m * k;
        double part = Math.max(seconds / 4, 0.1);
        try (DeviceMatrix da = cuda.upload(a.array(), 0, m, k, k); DeviceMatrix dc = cuda.allocate(m, m)) {
            double upload = Stopwatch.median(() -> cuda.upload(a.array(), 0, m, k, k).close(), 0.2, part, 3);
            double gemm = Stopwatch.median(() -> {
                cuda.gemm(false, true, 1f, da, da, 0f, dc);
                cuda.synchronize();
            }, 0.2, part, 3);
            double syrk = Stopwatch.median(() -> {
                cuda.syrkLower(1f, da, 0f, dc);
                cuda.synchronize();
            }, 0.2, part, 3);
            double download = Stopwatch.median(() -> cuda.download(dc, c.array(), 0, m), 0.2, part, 3);
            r.put("gflops_gemm_device", flops / gemm / 1e9);
            r.put("gemm_device_s", gemm);
            r.put("gflops_sym_device", flops / syrk / 1e9);
            r.put("syrk_device_s", syrk);
            r.put("upload_a_s", upload);
            r.put("download_c_s", download);
        }
    }

    private static void printDevice(Map<String, Object> r, String gflops, String time) {
        if (r.containsKey(gflops)) {
            System.out.printf(", %9.2f GFLOP/s on the device (%.4f s)", r.get(gflops), r.get(time));
        }
        System.out.println();
    }
}
