package org.jcontrast.cuda;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.OffloadSettings;

/**
 * The CUDA library path and the contexts of one test: {@link #route} makes a context like the
 * current one whose router looks for CUDA in a folder, and {@link #end} closes every context the
 * test made (releasing the device's resources) and puts the saved path back.
 */
final class RouterSwap {
    private final String previousPath = System.getProperty(CudaLibraries.PATH_PROPERTY);
    private final List<Context> contexts = new ArrayList<>();

    private RouterSwap() {
    }

    /** Saves the CUDA library path. */
    static RouterSwap begin() {
        return new RouterSwap();
    }

    /** A context with {@code settings} whose router finds CUDA in {@code dir}; bind it with {@link Context#call}. */
    Context route(OffloadSettings settings, Path dir) {
        return route(settings, dir, Context.current().threads());
    }

    /** {@link #route(OffloadSettings, Path)} on {@code threads} threads. */
    Context route(OffloadSettings settings, Path dir, int threads) {
        System.setProperty(CudaLibraries.PATH_PROPERTY, dir.toString());
        Context now = Context.current();
        Context c = new Context(now.simd(), threads, settings, now.streaming());
        contexts.add(c);
        return c;
    }

    /** Closes the test's contexts and puts the saved path back. */
    void end() {
        contexts.forEach(Context::close);
        if (previousPath == null) {
            System.clearProperty(CudaLibraries.PATH_PROPERTY);
        } else {
            System.setProperty(CudaLibraries.PATH_PROPERTY, previousPath);
        }
    }
}
