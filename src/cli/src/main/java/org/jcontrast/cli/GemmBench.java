package org.jcontrast.cli;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jcontrast.Device;
import org.jcontrast.Engine;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.kernel.KernelProvider;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jcontrast bench gemm}: C = A·Aᵀ by the full SGEMM and by the symmetric kernel, and with
 * {@code --vs openblas} by OpenBLAS's {@code cblas_sgemm} on the same A, timed in turns.
 */
@Command(name = "gemm", mixinStandardHelpOptions = true,
        description = "Time C = A·Aᵀ (A is M×K) with the full SGEMM and the symmetric kernel, optionally "
                + "side by side with OpenBLAS; GFLOP/s are counted as 2·M·M·K for all. --device gpu reports "
                + "transfers and compute apart.")
final class GemmBench implements Callable<Integer> {
    @Option(names = "--m", defaultValue = "4096", description = "Rows of A (default ${DEFAULT-VALUE}).")
    int m;

    @Option(names = "--k", defaultValue = "128", description = "Columns of A (default ${DEFAULT-VALUE}).")
    int k;

    @Option(names = "--threads", description = "Threads, for jcontrast and OpenBLAS alike (default: all processors).")
    Integer threads;

    @Option(names = "--seconds", defaultValue = "3", description = "Seconds of timed rounds (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--vs", description = "Also time another library on the same product: openblas.")
    String versus;

    @Option(names = "--tile-shapes", description = "Also time the SGEMM with each micro-tile shape the vector "
            + "kernels have at this width, in turns with the rest (the one in use is chosen from the register file).")
    boolean tileShapes;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        if (m < 1 || k < 1) {
            throw new IllegalArgumentException("--m and --k must be positive, got " + m + " and " + k);
        }
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("--seconds must be a finite number not below 0, got " + seconds);
        }
        if (versus != null && !versus.equals("openblas")) {
            throw new IllegalArgumentException("--vs knows only openblas, got '" + versus + "'");
        }
        try (Engine engine = device.engine(threads, null, null)) {
            return engine.call(this::measure);
        }
    }

    private Integer measure() {
        GemmRouter router = DeviceOptions.router();
        if (router.settings().device() == Device.GPU) {
            return GpuGemmBench.run(router, m, k, seconds, json);
        }
        try (Arena arena = Arena.ofConfined()) {
            OpenBlas blas = versus == null ? null : OpenBlas.load(arena);
            return run(arena, blas, router);
        }
    }

    private int run(Arena arena, OpenBlas blas, GemmRouter router) {
        int t = Context.current().threads();
        List<KernelProvider> shapes = tileShapes ? Context.current().kernels().tileShapes() : List.<KernelProvider>of();
        int results = 2 + shapes.size();
        HeapBudget.require(String.format("A (%d×%d) and %d results of %d×%d", m, k, results, m, m), bytesNeeded(m, k, results),
                "a smaller --m or --k");
        Tensor a = Tensor.randn(new SplittableRandom(42), m, k);
        Tensor cGemm = Tensor.zeros(m, m);
        Tensor cSym = Tensor.zeros(m, m);
        List<Runnable> actions = new ArrayList<>(List.of(
                () -> Ops.matmulInto(1f, a, false, a, true, 0f, cGemm),
                () -> Ops.gramInto(a, cSym)));
        int firstShape = actions.size();
        float[] aValues = a.toArray();
        for (KernelProvider shape : shapes) {
            float[] c = new float[m * m];
            actions.add(() -> shape.gemm().gemmParallel(false, true, m, m, k, 1f, aValues, 0, k, aValues, 0, k, 0f, c, 0, m));
        }
        MemorySegment nativeC = null;
        if (blas != null) {
            blas.setThreads(t);
            // Copies to native memory happen here, outside the timed calls.
            MemorySegment nativeA = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a.toArray());
            MemorySegment c = arena.allocate(ValueLayout.JAVA_FLOAT, (long) m * m);
            actions.add(() -> blas.sgemm(false, true, m, m, k, 1f, nativeA, k, nativeA, k, 0f, c, m));
            nativeC = c;
        }
        // Two seconds of warm-up: C2 is still compiling the kernels (and the CLI) for about that long.
        double[] sec = Stopwatch.alternating(actions, 2.0, seconds, 3);
        // After the timing: at start-up the JIT's compiler threads share the cores and halve it.
        double peak = FmaPeak.gflops(t, 1.0);
        DeviceOptions.requireNoFailure(router);
        double flops = 2.0 * m * m * k;
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("m", m);
        r.put("k", k);
        r.put("threads", t);
        r.put("simd", Context.current().kernels().name());
        DeviceOptions.report(router, r);
        r.put("gflops_gemm", flops / sec[0] / 1e9);
        r.put("gflops_sym", flops / sec[1] / 1e9);
        r.put("gflops_peak", peak);
        r.put("max_diff_sym", maxDifference(cGemm.array(), cSym.array()));
        r.put("err_f64_gemm", GramCheck.maxRelativeError(aValues, m, k, cGemm.array()));
        Map<String, Object> shapeRates = new LinkedHashMap<>();
        for (int i = 0; i < shapes.size(); i++) {
            shapeRates.put(tile(shapes.get(i)), flops / sec[firstShape + i] / 1e9);
        }
        if (tileShapes) {
            r.put("tile_in_use", tile(Context.current().kernels()));
            r.put("gflops_gemm_by_tile", shapeRates);
        }
        int blasAt = firstShape + shapes.size();
        if (blas != null) {
            r.put("gflops_openblas", flops / sec[blasAt] / 1e9);
            r.put("ratio_gemm", sec[blasAt] / sec[0]);
            r.put("ratio_sym", sec[blasAt] / sec[1]);
            r.put("max_diff_openblas", maxDifference(cGemm.array(), nativeC.toArray(ValueLayout.JAVA_FLOAT)));
            r.put("openblas", blas.config());
            r.put("openblas_core", blas.corename());
            r.put("openblas_env_pins", OpenBlas.environmentPins());
            r.put("err_f64_openblas", GramCheck.maxRelativeError(aValues, m, k, nativeC.toArray(ValueLayout.JAVA_FLOAT)));
        }
        if (json) {
            System.out.println(Json.object(r));
            return 0;
        }
        System.out.printf("A·Aᵀ, A %d×%d, %d thread(s), %s kernels, GFLOP/s counted as 2·M·M·K%n", m, k, t,
                Context.current().kernels().name());
        System.out.printf("  sgemm      %8.2f GFLOP/s  (%.4f s)%s%n", flops / sec[0] / 1e9, sec[0],
                blas == null ? "" : String.format("  %.2f× OpenBLAS", sec[blasAt] / sec[0]));
        System.out.printf("  symmetric  %8.2f GFLOP/s  (%.4f s)%s%n", flops / sec[1] / 1e9, sec[1],
                blas == null ? "" : String.format("  %.2f× OpenBLAS", sec[blasAt] / sec[1]));
        for (int i = 0; i < shapes.size(); i++) {
            String name = tile(shapes.get(i));
            System.out.printf("  tile %-6s%8.2f GFLOP/s  (%.4f s)%s%n", name, flops / sec[firstShape + i] / 1e9,
                    sec[firstShape + i], name.equals(tile(Context.current().kernels())) ? "  in use" : "");
        }
        if (blas != null) {
            System.out.printf("  OpenBLAS   %8.2f GFLOP/s  (%.4f s)  %s, core %s, %s%n", flops / sec[blasAt] / 1e9, sec[blasAt],
                    blas.config(), blas.corename(), blas.library());
            String pins = OpenBlas.environmentPins();
            if (!pins.isEmpty()) {
                System.out.printf("  note: OpenBLAS ran pinned by %s; for its own best kernel run with"
                        + " env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE%n", pins);
            }
        }
        System.out.printf("  peak       %8.2f GFLOP/s  (multiply-adds with no memory traffic, %d thread(s))%n", peak, t);
        return 0;
    }

    /** The micro-tile a provider's description names, e.g. {@code 8×32}; {@code scalar} for the plain-Java kernels. */
    private static String tile(KernelProvider p) {
        return p.describe().replaceAll(".* (\\d+×\\d+) GEMM tile\\)$", "$1").replaceAll("^scalar.*", "scalar");
    }

    /** Bytes of the heap arrays: A and {@code results} results, floats. */
    static long bytesNeeded(long m, long k, int results) {
        return Float.BYTES * (m * k + results * m * m);
    }

    /** Largest absolute difference: a check that the timed runs computed the same product. */
    private static double maxDifference(float[] x, float[] y) {
        double d = 0;
        for (int i = 0; i < x.length; i++) {
            d = Math.max(d, Math.abs(x[i] - y[i]));
        }
        return d;
    }
}
