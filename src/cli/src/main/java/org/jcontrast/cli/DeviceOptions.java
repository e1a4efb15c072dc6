package org.jcontrast.cli;

import java.util.Map;
import org.jcontrast.Device;
import org.jcontrast.Engine;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.Precision;
import picocli.CommandLine.Option;

/**
 * {@code --device} and {@code --tf32} of the benches: the {@link Engine} they compute with, and what
 * they report about the device that really computed.
 */
final class DeviceOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|auto",
            description = "cpu, gpu, or auto: the GPU for products above -Djcontrast.gpu.threshold "
                    + "(default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--tf32", description = "On the GPU, round the inputs to TF32 on tensor cores.")
    boolean tf32;

    /**
     * The engine of these options and of {@code threads}, {@code tile} and {@code lossCache} (a size
     * such as {@code 640m}) when given (null: the system properties' values), keeping the GPU
     * threshold of the system properties.
     */
    Engine engine(Integer threads, Integer tile, String lossCache) {
        Engine.Builder b = Engine.builder().device(Device.parse(this.device)).tf32(tf32);
        if (threads != null) {
            b.threads(Inputs.threads(threads));
        }
        if (tile != null) {
            if (tile < 1) {
                throw new IllegalArgumentException("--tile must be at least 1, got " + tile);
            }
            b.tile(tile);
        }
        if (lossCache != null) {
            try {
                b.lossCache(Context.parseBytes(lossCache));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--loss-cache " + e.getMessage(), e);
            }
        }
        return b.build();
    }

    /** The router of the bound engine: which products it sent to the GPU, and why it would not. */
    static GemmRouter router() {
        return Context.current().router();
    }

    /** The router's backend; without one, an error naming the reason. */
    static GemmBackend requireBackend(GemmRouter router) {
        return router.backend().orElseThrow(() -> new IllegalStateException(
                "--device gpu: no GPU backend: " + router.unavailableReason().orElse("")));
    }

    /**
     * Fails when the backend, required ({@code gpu}) or used for some of the timed products
     * ({@code auto}), was dropped after a failure: the times would mix devices.
     */
    static void requireNoFailure(GemmRouter router) {
        boolean used = router.settings().device() == Device.GPU || ranOnTheDevice(router);
        if (used && router.backend().isEmpty()) {
            throw new IllegalStateException("the GPU failed during the benchmark: "
                    + router.unavailableReason().orElse(""));
        }
    }

    /**
     * Puts where the products ran into {@code report}: {@code device} gpu when the backend computed any
     * of them or ran a streaming loss's passes resident, with its {@code precision} and {@code backend},
     * else cpu and FP32; {@code resident_passes} counts the passes that ran resident on the device.
     */
    static void report(GemmRouter router, Map<String, Object> report) {
        GemmBackend backend = ranOnTheDevice(router) ? router.backend().orElse(null) : null;
        report.put("device", backend == null ? "cpu" : "gpu");
        report.put("precision", (backend == null ? Precision.FP32 : backend.precision()).toString());
        if (backend != null) {
            report.put("backend", backend.name() + ": " + backend.describe());
        }
        report.put("resident_passes", router.residentPasses());
    }

    private static boolean ranOnTheDevice(GemmRouter router) {
        return router.offloadedProducts() > 0 || router.residentPasses() > 0;
    }
}
