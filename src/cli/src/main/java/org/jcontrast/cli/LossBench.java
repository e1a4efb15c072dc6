package org.jcontrast.cli;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jcontrast.Device;
import org.jcontrast.Engine;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.Selection;
import org.jcontrast.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code jcontrast bench loss}: one loss's forward and backward on random views, timed, with the
 * process's resident memory: idle (read first, before anything is allocated) and peak, the useful
 * flop rate against the FMA probe's peak at the same thread count, and the heap bytes one warmed-up
 * forward+backward allocates. The process
 * holds nothing big besides the two views and the loss's own memory, so the growth is the loss's.
 * With {@code --device gpu|auto} the streaming tiles' products go to the GPU backend, in large tiles
 * unless {@code --tile} says otherwise, and the report says which device and precision computed.
 */
@Command(name = "loss", mixinStandardHelpOptions = true,
        description = "Time a loss's forward+backward on random views (median after warm-up) and report the "
                + "process's idle and peak resident memory (Linux). --loss is required; hardsimple takes "
                + "--top-k 16 unless --top-k or --quantile is given.")
final class LossBench implements Callable<Integer> {
    /** The loss and its options, as {@code train} and {@code loss} take them; {@code --loss} is required here. */
    @Mixin
    LossFlags loss;

    @Option(names = "--batch", required = true, paramLabel = "2N", description = "Views in the batch, 2N (even).")
    int batch;

    @Option(names = "--dim", defaultValue = "128", paramLabel = "D", description = "Embedding size (default ${DEFAULT-VALUE}).")
    int dim;

    @Option(names = "--threads", description = "Threads (default: all processors).")
    Integer threads;

    @Option(names = "--mode", defaultValue = "auto", paramLabel = "MODE",
            description = "auto, streaming, materialized or composed (default ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--tile", paramLabel = "T", description = "Streaming tile size (default: -Djcontrast.tile, else "
            + LossFactory.DEFAULT_TILE + " on the CPU, " + LossFactory.LARGE_TILE + " when both sides have "
            + LossFactory.LARGE_MIN_ROWS + " rows or more (" + LossFactory.WIDE_MIN_ROWS + " with --dim "
            + LossFactory.WIDE_WIDTH + " or more), and " + LossFactory.GPU_TILE + " when the tile products go to the GPU).")
    Integer tile;

    @Option(names = "--loss-cache", paramLabel = "SIZE", description = "Bytes a streaming loss may keep from its "
            + "forward pass for its backward pass, e.g. 640m: more is faster, the same bits (default: "
            + "-Djcontrast.losscache, else 32m).")
    String lossCache;

    @Option(names = "--classes", defaultValue = "10", description = "supcon: labels cycle through this many "
            + "classes (default ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--bank", paramLabel = "M", description = "infonce: rows in the random bank (default: 2N).")
    Integer bankRows;

    @Option(names = "--warmup", defaultValue = "1", paramLabel = "S",
            description = "Seconds of untimed runs first (0: none; default ${DEFAULT-VALUE}).")
    double warmup;

    @Option(names = "--seconds", defaultValue = "3", paramLabel = "S",
            description = "Keep timing runs for at least this long (default ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs at least (default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Mixin
    DeviceOptions device;

    @Override
    public Integer call() {
        if (batch < 4 || batch % 2 != 0) {
            throw new IllegalArgumentException("--batch is 2N, an even number ≥ 4; got " + batch);
        }
        if (dim < 1 || runs < 1 || warmup < 0 || seconds < 0) {
            throw new IllegalArgumentException("--dim and --runs must be positive, --warmup and --seconds not negative");
        }
        try (Engine engine = device.engine(threads, tile, lossCache)) {
            return engine.call(this::measure);
        }
    }

    private Integer measure() {
        OptionalDouble idle = ProcessMemory.residentMib();
        int n = batch / 2;
        LossSpec spec = spec();
        BatchInputs inputs = batch(spec.kind(), n);
        LossOptions options = LossOptions.of(spec, inputs);
        LossMode requested = mode(mode);
        GemmRouter router = DeviceOptions.router();
        if (router.settings().device() == Device.GPU) {
            DeviceOptions.requireBackend(router);
        }
        int usedTile = LossFactory.defaultTile(options, n, dim);
        LossMode resolved = LossFactory.resolve(options, requested, n);
        HeapBudget.require(String.format(Locale.ROOT, "%s (%s) on 2N = %d views of %d", spec.kind().cliName(),
                        resolved.name().toLowerCase(Locale.ROOT), batch, dim),
                bytesNeeded(spec.kind(), resolved, n, dim, usedTile, Context.current().threads(),
                        inputs.bank() == null ? 0 : inputs.bank().size()),
                resolved == LossMode.STREAMING ? "a smaller --batch or --dim"
                        : "--mode streaming, a smaller --batch or --dim");
        Loss loss = Losses.create(spec, requested);
        SplittableRandom random = new SplittableRandom(42);
        Tensor z1 = Tensor.randn(random, n, dim), z2 = Tensor.randn(random, n, dim);
        double[] value = new double[1];
        Runnable step = () -> {
            LossResult r = loss.compute(z1, z2, inputs);
            value[0] = r.loss();
        };
        HeapAllocations counted = HeapAllocations.counting(step);
        double t = Stopwatch.median(counted, warmup, seconds, runs);
        OptionalDouble peak = ProcessMemory.peakMib();
        long allocated = counted.fewestPerRun();
        // After the timing: at start-up the JIT's compiler threads share the cores and lower it.
        double fmaPeak = FmaPeak.gflops(Context.current().threads(), 1.0);
        DeviceOptions.requireNoFailure(router);
        // The useful flops of a forward and a backward pass: F = 2·(2N)²·d each, the similarities' product.
        double flops = 2 * 2.0 * batch * batch * dim;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("loss", spec.kind().cliName());
        out.put("mode", resolved.name().toLowerCase(Locale.ROOT));
        out.put("batch", batch);
        out.put("dim", dim);
        out.put("threads", Context.current().threads());
        out.put("tile", usedTile);
        out.put("loss_cache_bytes", Context.current().streaming().cacheBytes());
        out.put("simd", Context.current().kernels().name());
        out.put("vector_bits", Context.current().vectorBits());
        DeviceOptions.report(router, out);
        out.put("value", value[0]);
        out.put("seconds", t);
        out.put("gflops", flops / t / 1e9);
        out.put("gflops_peak", fmaPeak);
        out.put("alloc_bytes", allocated);
        out.put("output_bytes", (long) batch * dim * Float.BYTES);
        out.put("idle_rss_mib", idle.isPresent() ? idle.getAsDouble() : null);
        out.put("peak_rss_mib", peak.isPresent() ? peak.getAsDouble() : null);
        if (idle.isEmpty() || peak.isEmpty()) {
            out.put("rss_note", ProcessMemory.UNAVAILABLE);
        }
        if (json) {
            System.out.println(Json.object(out));
        } else {
            System.out.printf("%s (%s), 2N=%d, d=%d, %d thread(s), %s kernels: %.4f s per forward+backward%n",
                    spec.describe(), out.get("mode"), batch, dim, Context.current().threads(), Context.current().kernels().name(), t);
            System.out.printf("%.1f GFLOP/s useful (2F / seconds, F = 2·(2N)²·d), %.0f%% of the FMA peak %.1f GFLOP/s%n",
                    flops / t / 1e9, 100 * flops / t / 1e9 / fmaPeak, fmaPeak);
            System.out.printf("heap allocated per forward+backward: %d bytes (the gradients: %d)%n", allocated,
                    (long) batch * dim * Float.BYTES);
            System.out.println(out.containsKey("backend")
                    ? "matrix products on the GPU (" + out.get("backend") + "), tile " + usedTile
                    : "matrix products on the CPU, tile " + usedTile);
            if (idle.isPresent() && peak.isPresent()) {
                System.out.printf("resident memory: %.0f MiB idle, %.0f MiB peak (+%.0f MiB)%n", idle.getAsDouble(),
                        peak.getAsDouble(), peak.getAsDouble() - idle.getAsDouble());
            } else {
                System.out.println("resident memory: unavailable (" + ProcessMemory.UNAVAILABLE + ")");
            }
        }
        return 0;
    }

    /**
     * Bytes of the large heap arrays of one forward+backward: the two views, their gradients and
     * normalised copies (six N×d), an InfoNCE bank of {@code bankRows}, and the similarities, as
     * a few 2N×2N matrices (N×N for CLIP) when materialised or composed, else two tiles per thread
     * and the operands packed once for the tile products (up to {@link LossFactory#MAX_PACKED_FLOATS}).
     */
    static long bytesNeeded(LossKind kind, LossMode mode, long n, long dim, long tile, long threads, long bankRows) {
        long vectors = (6 * n + bankRows) * dim;
        long side = kind == LossKind.CLIP ? n : 2 * n;
        long similarities = switch (mode) {
            case MATERIALIZED, AUTO -> 3 * side * side;
            case COMPOSED -> 6 * side * side;
            case STREAMING -> 2 * threads * tile * Math.min(tile, side)
                    + Math.min(2 * (2 * n + bankRows) * dim, LossFactory.MAX_PACKED_FLOATS);
        };
        return Float.BYTES * (vectors + similarities);
    }

    private LossSpec spec() {
        if (loss.lossName == null) {
            throw new IllegalArgumentException("--loss is required: ntxent, dcl, dclw, hard, simple, hardsimple, "
                    + "infonce, supcon or clip");
        }
        LossKind kind = LossKind.fromName(loss.lossName);
        LossSpec.Builder b = loss.builder(kind, loss.temperature);
        if (kind.selectsNegatives() && loss.topK == null && loss.quantile == null) {
            b.selection(Selection.topK(16));
        }
        return b.build();
    }

    /** Labels of {@code --classes} classes for SupCon, a random unit bank for InfoNCE. */
    private BatchInputs batch(LossKind kind, int n) {
        if (kind == LossKind.SUPCON) {
            if (classes < 1) {
                throw new IllegalArgumentException("--classes must be positive, got " + classes);
            }
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = i % classes;
            }
            return BatchInputs.labels(labels);
        }
        if (kind == LossKind.INFONCE) {
            return BatchInputs.bank(MemoryBank.randomUnit(bankRows == null ? 2 * n : bankRows, dim, 7));
        }
        return BatchInputs.none();
    }

    private static LossMode mode(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "auto" -> LossMode.AUTO;
            case "streaming" -> LossMode.STREAMING;
            case "materialized", "materialised" -> LossMode.MATERIALIZED;
            case "composed" -> LossMode.COMPOSED;
            default -> throw new IllegalArgumentException("--mode must be auto, streaming, materialized or composed, got '"
                    + name + "'");
        };
    }
}
