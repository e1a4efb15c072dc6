package org.jcontrast.cuda;

import java.nio.file.Path;
import org.jcontrast.internal.backend.DeviceMode;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.backend.Precision;

/**
 * Swaps the JVM's global router and the CUDA library path for one test and puts both back:
 * {@link #begin} installs a CPU router, {@link #route} one that looks for CUDA in a folder, and
 * {@link #end} restores what was there, closing every router the test installed.
 */
final class RouterSwap {
    private final GemmRouter previous;
    private final String previousPath;

    private RouterSwap() {
        previousPath = System.getProperty(CudaLibraries.PATH_PROPERTY);
        previous = GemmRouter.install(new GemmRouter(new OffloadSettings(DeviceMode.CPU, Precision.FP32, 0)));
    }

    /** Saves the global router and path, and computes on the CPU until {@link #route}. */
    static RouterSwap begin() {
        return new RouterSwap();
    }

    /** Installs a router with {@code settings} that finds CUDA in {@code dir}; closes the one it replaces. */
    GemmRouter route(OffloadSettings settings, Path dir) {
        System.setProperty(CudaLibraries.PATH_PROPERTY, dir.toString());
        GemmRouter router = new GemmRouter(settings);
        GemmRouter.install(router).close();
        return router;
    }

    /** Puts the saved router and path back and closes the test's router. */
    void end() {
        GemmRouter.install(previous == null ? new GemmRouter(OffloadSettings.fromSystemProperties()) : previous)
                .close();
        if (previousPath == null) {
            System.clearProperty(CudaLibraries.PATH_PROPERTY);
        } else {
            System.setProperty(CudaLibraries.PATH_PROPERTY, previousPath);
        }
    }
}
