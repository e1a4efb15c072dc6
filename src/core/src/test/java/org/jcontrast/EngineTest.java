package org.jcontrast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.KernelProvider;
import org.jcontrast.internal.kernel.Parallel;
import org.junit.jupiter.api.Test;

/** Engines: settings from the builder or the system properties, bound per block, seen by the pool's threads. */
class EngineTest {

    @Test
    void aBoundEngineIsWhatTheComputationAndItsWorkersSee() {
        try (Engine engine = Engine.builder().threads(3).simd(Simd.SCALAR).tile(64).lossCache(5 << 20).build()) {
            assertEquals(3, engine.threads());
            assertEquals(64, engine.tile().orElseThrow());
            assertEquals(5 << 20, engine.lossCache());
            assertTrue(engine.describe().endsWith("; streaming tile 64; loss cache 5m"), engine.describe());
            Set<String> seen = ConcurrentHashMap.newKeySet();
            engine.run(() -> {
                assertEquals(engine, Engine.current());
                Parallel.forTasks(12, t -> seen.add(Context.current().kernels().name() + "/" + Context.current().threads()));
            });
            assertEquals(Set.of("scalar/3"), seen, "every task ran with the bound engine's kernels and threads");
            assertNotEquals(engine, Engine.current(), "the binding ends with the block");
        }
    }

    @Test
    void aCallersPoolIsUsedAndLeftRunning() {
        ForkJoinPool pool = new ForkJoinPool(2);
        try (Engine engine = Engine.builder().executor(pool).build()) {
            assertEquals(2, engine.threads());
            int result = engine.call(() -> {
                Parallel.forTasks(4, t -> assertEquals(2, Context.current().threads()));
                return 7;
            });
            assertEquals(7, result);
        }
        assertTrue(!pool.isShutdown(), "the caller's pool is the caller's to shut down");
        pool.shutdown();
    }

    @Test
    void badSettingsAreOrdinaryExceptionsNamingTheSetting() {
        assertMessage("threads must be at least 1, got 0", () -> Engine.builder().threads(0));
        assertMessage("tile must be at least 1, got -2", () -> Engine.builder().tile(-2));
        assertMessage("lossCache must be at least 0 bytes, got -1", () -> Engine.builder().lossCache(-1));
        assertMessage("gpuThresholdFlops must be a finite number ≥ 0, got NaN",
                () -> Engine.builder().gpuThresholdFlops(Double.NaN));
        assertMessage("vectorSize must be 128, 256 or 512 bits, got 384", () -> Engine.builder().vectorSize(384));
    }

    @Test
    void everyVectorWidthOfThisCpuCanBeChosenAndNoWiderOne() {
        List<Integer> widths = KernelProvider.vectorWidths();
        assertTrue(widths.contains(128), "every SIMD host has 128-bit vectors: " + widths);
        for (int bits : widths) {
            try (Engine e = Engine.builder().simd(Simd.VECTOR).vectorSize(bits).build()) {
                assertEquals(bits, e.vectorSize());
                assertTrue(e.describe().contains(bits + "-bit"), e.describe());
            }
        }
        if (!widths.contains(512)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Engine.builder().simd(Simd.VECTOR).vectorSize(512).build());
            assertTrue(e.getMessage().startsWith("the vector size must be one of " + widths), e.getMessage());
        }
        try (Engine e = Engine.builder().simd(Simd.SCALAR).vectorSize(128).build()) {
            assertEquals(0, e.vectorSize(), "the plain-Java kernels have no vectors");
        }
    }

    @Test
    void aBadSystemPropertyIsNamedEveryTimeAndNeverBreaksTheClasses() {
        for (String[] bad : new String[][] {{"jcontrast.simd", "bogus", "-Djcontrast.simd: the SIMD choice must be "
                + "auto, scalar or vector, got 'bogus'"}, {"jcontrast.threads", "many", "-Djcontrast.threads must be a "
                + "positive integer, got 'many'"}, {"jcontrast.tile", "0", "-Djcontrast.tile must be a positive integer, "
                + "got '0'"}, {"jcontrast.device", "tpu", "-Djcontrast.device: the device must be cpu, gpu or auto, got "
                + "'tpu'"}, {"jcontrast.gpu.tf32", "yes", "-Djcontrast.gpu.tf32 must be true or false, got 'yes'"},
                {"jcontrast.vectorsize", "wide", "-Djcontrast.vectorsize: must be 128, 256 or 512 (bits), got 'wide'"},
                {"jcontrast.vectorsize", "1024", "-Djcontrast.vectorsize: the vector size must be 128, 256 or 512 bits, "
                        + "got 1024"},
                {"jcontrast.gpu.threshold", "-1", "-Djcontrast.gpu.threshold must be a finite number of flops ≥ 0, "
                        + "got '-1'"},
                {"jcontrast.losscache", "-1m", "-Djcontrast.losscache: must be a size in bytes, digits with an "
                        + "optional k, m or g (e.g. 640m), got '-1m'"},
                {"jcontrast.losscache", "9000000000g", "-Djcontrast.losscache: must be a size in bytes, digits with an "
                        + "optional k, m or g (e.g. 640m), got '9000000000g'"}}) {
            String saved = System.setProperty(bad[0], bad[1]);
            try {
                for (int attempt = 0; attempt < 2; attempt++) {
                    assertMessage(bad[2], () -> Engine.builder().build());
                }
                // A setting the builder is given explicitly does not read its property.
                if (bad[0].equals("jcontrast.simd")) {
                    try (Engine e = Engine.builder().simd(Simd.SCALAR).build()) {
                        assertEquals(Simd.SCALAR, e.simd());
                    }
                }
            } finally {
                if (saved == null) {
                    System.clearProperty(bad[0]);
                } else {
                    System.setProperty(bad[0], saved);
                }
            }
        }
    }

    @Test
    void theLossCacheComesFromItsPropertyAndIsReadInBinaryUnits() {
        try (Engine e = Engine.builder().build()) {
            assertEquals(32L << 20, e.lossCache(), "the default");
        }
        String saved = System.setProperty("jcontrast.losscache", " 640M ");
        try (Engine e = Engine.builder().build(); Engine given = Engine.builder().lossCache(0).build()) {
            assertEquals(640L << 20, e.lossCache());
            assertEquals(0, given.lossCache(), "a setting the builder is given does not read its property");
        } finally {
            if (saved == null) {
                System.clearProperty("jcontrast.losscache");
            } else {
                System.setProperty("jcontrast.losscache", saved);
            }
        }
        assertEquals(List.of(7L, 3L << 10, 2L << 30, 0L), List.of(Context.parseBytes("7"), Context.parseBytes("3k"),
                Context.parseBytes("2g"), Context.parseBytes("0m")));
        assertEquals(List.of("7", "1536k", "32m", "2g", "0"), List.of(Context.describeBytes(7), Context.describeBytes(1536 << 10),
                Context.describeBytes(32 << 20), Context.describeBytes(2L << 30), Context.describeBytes(0)));
    }

    private static void assertMessage(String expected, Supplier<?> action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::get);
        assertEquals(expected, e.getMessage());
    }
}
