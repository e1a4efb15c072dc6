package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KernelProviderTest {

    @Test
    void theForcedPathIsTheOneInUse() {
        String forced = System.getProperty("jcontrast.simd", "");
        String expected = forced.isEmpty() ? (KernelProvider.vector().isPresent() ? "vector" : "scalar") : forced;
        assertEquals(expected, KernelProvider.get().name());
    }

    @Test
    void theVectorPathIsAvailableWhenTheModuleIsLoaded() {
        boolean loaded = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        assertEquals(loaded, KernelProvider.vector().isPresent(),
                KernelProvider.vectorUnavailableReason().orElse("vector available"));
        assertTrue(loaded, "the build runs tests with --add-modules jdk.incubator.vector");
        assertTrue(KernelProvider.vectorUnavailableReason().isEmpty());
    }

    @Test
    void parallelRejectsNonPositiveThreadCounts() {
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
    }
}
