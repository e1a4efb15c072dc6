package org.jcontrast.cli;

import java.util.Map;
import org.jcontrast.backend.DeviceMode;
import org.jcontrast.backend.GemmBackend;
import org.jcontrast.backend.GemmRouter;
import org.jcontrast.backend.OffloadSettings;
import org.jcontrast.backend.Precision;
import picocli.CommandLine.Option;

/**
 * {@code --device} and {@code --tf32} of the benches: the {@link GemmRouter} they install, and what
 * they report about the device that really computed.
 */
final class DeviceOptions {
    @Option(names = "--device", defaultValue = "cpu", paramLabel = "cpu|gpu|auto",
            description = "cpu, gpu, or auto: the GPU for products above -Djcontrast.gpu.threshold "
                    + "(default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--tf32", description = "On the GPU, round the inputs to TF32 on tensor cores.")
    boolean tf32;

    /** Installs the global router for these options, keeping the threshold of the system properties. */
    GemmRouter route() {
        OffloadSettings settings = new OffloadSettings(DeviceMode.parse(device), tf32 ? Precision.TF32 : Precision.FP32,
                OffloadSettings.fromSystemProperties().thresholdFlops());
        GemmRouter router = new GemmRouter(settings);
        GemmRouter.install(router);
        return router;
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
        boolean used = router.settings().device() == DeviceMode.GPU || ranOnTheDevice(router);
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
