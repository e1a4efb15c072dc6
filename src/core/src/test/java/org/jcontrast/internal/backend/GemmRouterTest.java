package org.jcontrast.internal.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.logging.Level;
import org.jcontrast.Device;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.jcontrast.testing.LogCapture;
import org.junit.jupiter.api.Test;

/** The routing policy, lazy probing and fallback, with in-memory backends instead of a GPU. */
class GemmRouterTest {

    /** A backend that fills C with a marker value, or throws when told to fail. */
    private static final class MarkerBackend implements GemmBackend {
        final float marker;
        final boolean fail;
        int calls;

        MarkerBackend(float marker, boolean fail) {
            this.marker = marker;
            this.fail = fail;
        }

        @Override
        public String name() {
            return "marker";
        }

        @Override
        public String describe() {
            return "marker " + marker;
        }

        @Override
        public Precision precision() {
            return Precision.FP32;
        }

        @Override
        public boolean accepts(int m, int n, int k) {
            return m <= 500 && n <= 500;
        }

        @Override
        public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA,
                         int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
            fill(m, n, c, offC, ldc);
        }

        @Override
        public void gram(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc) {
            fill(n, n, c, offC, ldc);
        }

        private void fill(int m, int n, float[] c, int offC, int ldc) {
            calls++;
            if (fail) {
                throw new IllegalStateException("device on fire");
            }
            for (int i = 0; i < m; i++) {
                Arrays.fill(c, offC + i * ldc, offC + i * ldc + n, marker);
            }
        }

        @Override
        public void close() {
        }
    }

    /** A provider that counts how often it is opened. */
    private static final class CountingProvider implements GemmBackendProvider {
        final GemmBackend backend;
        final String unavailable;
        int opens;

        CountingProvider(GemmBackend backend, String unavailable) {
            this.backend = backend;
            this.unavailable = unavailable;
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public GemmBackend open(Precision precision) throws BackendUnavailableException {
            opens++;
            if (unavailable != null) {
                throw new BackendUnavailableException(unavailable);
            }
            return backend;
        }
    }

    private static boolean gemm(GemmRouter router, int m, int n, int k, float[] c) {
        return router.gemm(false, false, m, n, k, 1f, new float[m * k], 0, k, new float[k * n], 0, n, 0f, c, 0, n);
    }

    @Test
    void cpuModeNeverOpensABackend() {
        CountingProvider provider = new CountingProvider(new MarkerBackend(7f, false), null);
        GemmRouter router = new GemmRouter(new OffloadSettings(Device.CPU, Precision.FP32, 0), List.of(provider));
        assertFalse(gemm(router, 300, 300, 300, new float[300 * 300]));
        assertTrue(router.backend().isEmpty());
        assertEquals(0, provider.opens);
        assertTrue(router.unavailableReason().orElseThrow().contains("cpu"));
    }

    @Test
    void autoOpensLazilyAndSendsOnlyLargeDenseProducts() {
        MarkerBackend backend = new MarkerBackend(7f, false);
        CountingProvider provider = new CountingProvider(backend, null);
        GemmRouter router = new GemmRouter(new OffloadSettings(Device.AUTO, Precision.FP32, 1e7),
                List.of(provider));
        assertFalse(gemm(router, 100, 100, 100, new float[100 * 100]), "2e6 flops is below the threshold");
        assertEquals(0, provider.opens, "a small product does not even probe");
        assertFalse(gemm(router, 2000, 2000, 2, new float[2000 * 2000]), "1 flop per byte moved does not pay");
        assertEquals(0, provider.opens);
        float[] c = new float[300 * 300];
        assertTrue(gemm(router, 300, 300, 300, c), "5.4e7 flops at 2·300/12 = 50 flops per byte");
        assertEquals(7f, c[300 * 300 - 1]);
        assertFalse(gemm(router, 600, 600, 600, new float[600 * 600]), "the backend does not accept it");
        assertEquals(1, provider.opens);
        assertEquals(1, backend.calls);
    }

    @Test
    void gpuModeSendsEverySizeTheBackendAccepts() {
        MarkerBackend backend = new MarkerBackend(3f, false);
        GemmRouter router = new GemmRouter(new OffloadSettings(Device.GPU, Precision.FP32, 1e12),
                List.of(new CountingProvider(backend, null)));
        float[] c = new float[4];
        assertTrue(gemm(router, 2, 2, 1, c));
        assertArrayEquals(new float[] {3f, 3f, 3f, 3f}, c);
        assertFalse(gemm(router, 0, 2, 1, new float[0]), "empty products stay on the CPU");
        assertEquals("marker 3.0", router.backend().orElseThrow().describe());
    }

    @Test
    void aFailingBackendLogsOneLineAndIsNotUsedAgain() {
        MarkerBackend backend = new MarkerBackend(7f, true);
        GemmRouter router = new GemmRouter(new OffloadSettings(Device.GPU, Precision.FP32, 0),
                List.of(new CountingProvider(backend, null)));
        float[] c = new float[9];
        Arrays.fill(c, -1f);
        try (LogCapture log = new LogCapture()) {
            assertFalse(gemm(router, 3, 3, 3, c));
            assertFalse(router.gram(3, 3, new float[9], 0, 3, c, 0, 3));
            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().get(0).contains("device on fire"), log.messages().get(0));
        }
        assertEquals(1, backend.calls, "the failed backend is dropped");
        assertTrue(Arrays.equals(c, new float[] {-1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f, -1f}));
        assertTrue(router.unavailableReason().orElseThrow().contains("device on fire"));
    }

    @Test
    void anUnavailableProviderIsLoggedOnceAndTheNextOneIsTried() {
        CountingProvider broken = new CountingProvider(null, "no device here");
        MarkerBackend backend = new MarkerBackend(5f, false);
        GemmRouter router = new GemmRouter(new OffloadSettings(Device.GPU, Precision.FP32, 0),
                List.of(broken, new CountingProvider(backend, null)));
        assertTrue(router.backend().isPresent());
        assertEquals(1, broken.opens);

        GemmRouter none = new GemmRouter(new OffloadSettings(Device.AUTO, Precision.FP32, 0), List.of(broken));
        try (LogCapture log = new LogCapture()) {
            assertFalse(gemm(none, 300, 300, 300, new float[300 * 300]));
            assertFalse(gemm(none, 300, 300, 300, new float[300 * 300]));
            assertEquals(List.of("jcontrast computes matrix products on the CPU: fake: no device here"),
                    log.messages());
            assertEquals(List.of(Level.FINE), log.levels(), "under auto the CPU is no surprise: debug level");
        }
        assertEquals(2, broken.opens, "probed once per router");
    }

    @Test
    void withoutProvidersTheCpuIsUsedSilently() {
        GemmRouter router = new GemmRouter(new OffloadSettings(Device.GPU, Precision.FP32, 0), List.of());
        try (LogCapture log = new LogCapture()) {
            assertTrue(router.backend().isEmpty());
            assertEquals(List.of(), log.messages());
        }
        assertTrue(router.unavailableReason().orElseThrow().contains("jcontrast-cuda"));
    }

    @Test
    void settingsComeFromTheSystemProperties() {
        String[] keys = {"jcontrast.device", "jcontrast.gpu.tf32", "jcontrast.gpu.threshold"};
        String[] saved = Arrays.stream(keys).map(System::getProperty).toArray(String[]::new);
        try {
            System.setProperty(keys[0], "GPU");
            System.setProperty(keys[1], "true");
            System.setProperty(keys[2], "2.5e8");
            assertEquals(new OffloadSettings(Device.GPU, Precision.TF32, 2.5e8),
                    OffloadSettings.fromSystemProperties());
            System.setProperty(keys[2], "lots");
            assertThrows(IllegalArgumentException.class, OffloadSettings::fromSystemProperties);
            System.setProperty(keys[0], "tpu");
            assertThrows(IllegalArgumentException.class, OffloadSettings::fromSystemProperties);
        } finally {
            for (int i = 0; i < keys.length; i++) {
                if (saved[i] == null) {
                    System.clearProperty(keys[i]);
                } else {
                    System.setProperty(keys[i], saved[i]);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> new OffloadSettings(Device.AUTO, Precision.FP32, -1));
        assertEquals(Device.AUTO, OffloadSettings.fromSystemProperties().device());
    }

    @Test
    void opsConsultsTheContextsRouterAndFallsBackToTheCpuBitForBit() throws Exception {
        Tensor a = Tensor.randn(new SplittableRandom(1), 40, 30);
        Tensor b = Tensor.randn(new SplittableRandom(2), 30, 20);
        Tensor[] expected = new Tensor[2];
        Contexts.withRouter(new GemmRouter(new OffloadSettings(Device.CPU, Precision.FP32, 0), List.of()), () -> {
            expected[0] = Ops.matmul(a, b);
            expected[1] = Ops.gram(a);
        });
        Contexts.withRouter(new GemmRouter(new OffloadSettings(Device.GPU, Precision.FP32, 0),
                List.of(new CountingProvider(new MarkerBackend(9f, false), null))), () -> {
            assertTrue(Arrays.equals(Tensor.full(9f, 40, 20).toArray(), Ops.matmul(a, b).toArray()));
            assertTrue(Arrays.equals(Tensor.full(9f, 40, 40).toArray(), Ops.gram(a).toArray()));
        });
        Contexts.withRouter(new GemmRouter(new OffloadSettings(Device.GPU, Precision.FP32, 0),
                List.of(new CountingProvider(new MarkerBackend(9f, true), null))), () -> {
            try (LogCapture log = new LogCapture()) {
                assertArrayEquals(expected[0].toArray(), Ops.matmul(a, b).toArray());
                assertArrayEquals(expected[1].toArray(), Ops.gram(a).toArray());
                assertEquals(1, log.messages().size());
            }
        });
    }
}
