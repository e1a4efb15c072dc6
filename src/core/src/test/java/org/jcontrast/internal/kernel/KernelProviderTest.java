package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcontrast.internal.Context;
import org.junit.jupiter.api.Test;

class KernelProviderTest {

    @Test
    void theForcedPathIsTheOneInUse() {
        String forced = System.getProperty("jcontrast.simd", "auto");
        forced = forced.equals("auto") ? "" : forced;
        String expected = forced.isEmpty() ? (KernelProvider.vector().isPresent() ? "vector" : "scalar") : forced;
        assertEquals(expected, Context.current().kernels().name());
    }

    @Test
    void theVectorPathIsAvailableWhenTheModuleIsLoaded() {
        boolean loaded = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(loaded, KernelProvider.vector().isPresent(),
                KernelProvider.vectorUnavailableReason().orElse("vector available"));
        assertTrue(loaded, "the build runs tests with --add-modules jdk.incubator.vector");
        assertTrue(KernelProvider.vectorUnavailableReason().isEmpty());
    }
}
