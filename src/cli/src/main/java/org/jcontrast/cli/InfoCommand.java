package org.jcontrast.cli;

import java.util.concurrent.Callable;
import org.jcontrast.Engine;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.BackendUnavailableException;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.kernel.KernelProvider;
import picocli.CommandLine.Command;

/** {@code jcontrast info}: what this JVM will run on. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Print the Java runtime, the SIMD path, the thread count and the backends in use.")
final class InfoCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        try (Engine engine = Engine.builder().build()) {
            return engine.call(this::print);
        }
    }

    private Integer print() {
        KernelProvider p = Context.current().kernels();
        System.out.println("java     " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")");
        System.out.println("simd     " + p.describe());
        KernelProvider.vectorUnavailableReason().ifPresent(r -> System.out.println("         vector path unavailable: " + r));
        System.out.println("threads  " + Context.current().threads() + " (of " + Runtime.getRuntime().availableProcessors()
                + " processors; set with -Djcontrast.threads=N)");
        System.out.println("heap     " + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB max");
        GemmRouter router = Context.current().router();
        System.out.println("gpu      " + router.backend().map(b -> b.name() + ": " + b.describe())
                .orElseGet(() -> "none: " + router.unavailableReason().orElse("")));
        router.backend().ifPresent(b -> System.out.println("         streaming losses: " + resident(b)));
        System.out.println("         matrix products: " + router.settings().describe()
                + " (set with -Djcontrast.device=cpu|gpu|auto, -Djcontrast.gpu.threshold=FLOPS, -Djcontrast.gpu.tf32=true)");
        return 0;
    }

    /** Whether the backend runs the streaming losses' passes resident, and how, or why not. */
    private static String resident(GemmBackend backend) {
        try {
            return backend.residentSweeps().map(r -> "resident on the device (" + r.describe() + ")")
                    .orElse("tile products one by one");
        } catch (BackendUnavailableException e) {
            return "tile products one by one: " + e.getMessage();
        }
    }
}
