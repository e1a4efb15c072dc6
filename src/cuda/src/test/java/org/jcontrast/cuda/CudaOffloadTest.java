package org.jcontrast.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jcontrast.Device;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Ops} through the router, the provider found by {@link java.util.ServiceLoader} and the stub: the
 * products run on the "GPU" when chosen, and whatever is missing or failing, the result is the
 * CPU's, bit for bit, with one log line.
 */
class CudaOffloadTest {
    private final Tensor a = Tensor.randn(new SplittableRandom(1), 70, 40);
    private final Tensor b = Tensor.randn(new SplittableRandom(2), 40, 50);
    private static CudaStub full;
    private RouterSwap swap;
    private Tensor cpuProduct;
    private Tensor cpuGram;

    @BeforeAll
    static void buildStub() {
        full = CudaStub.get(CudaStub.Variant.FULL);
    }

    @BeforeEach
    void computeOnTheCpu() {
        full.reset();
        swap = RouterSwap.begin();
        cpuProduct = Ops.matmul(a, b);
        cpuGram = Ops.gram(a);
    }

    @AfterEach
    void restore() {
        swap.end();
        full.assertNothingLive(); // closing the router released everything
    }

    /** A context whose router looks for CUDA in {@code dir} through the registered providers. */
    private Context route(Device mode, double threshold, Path dir) {
        return swap.route(new OffloadSettings(mode, Precision.FP32, threshold), dir);
    }

    private static void assertClose(Tensor expected, Tensor got) {
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), got.get(i), 1e-4f * (1 + Math.abs(expected.get(i))), "element " + i);
        }
    }

    @Test
    void opsRunsOnTheDeviceWhenChosen() {
        Context gpu = route(Device.GPU, 0, full.directory());
        GemmRouter router = gpu.router();
        assertClose(cpuProduct, gpu.call(() -> Ops.matmul(a, b)));
        Tensor gram = gpu.call(() -> Ops.gram(a));
        assertClose(cpuGram, gram);
        for (int i = 0; i < 70; i++) {
            for (int j = 0; j < i; j++) {
                assertEquals(gram.get(i, j), gram.get(j, i));
            }
        }
        assertEquals(1, full.calls("cublasSgemm_v2"));
        assertEquals(1, full.calls("cublasSsyrk_v2"));
        assertTrue(router.backend().orElseThrow().describe().startsWith("jcontrast stub GPU"));
    }

    @Test
    void autoProbesOnlyOnceAProductIsLargeEnough() {
        Context auto = route(Device.AUTO, 1e7, full.directory());
        assertArrayEquals(cpuProduct.toArray(), auto.call(() -> Ops.matmul(a, b)).toArray(),
                "2.8e5 flops stay on the CPU");
        assertEquals(0, full.calls("cudaGetDeviceCount"), "and do not even load CUDA");

        Tensor big = Tensor.randn(new SplittableRandom(3), 200, 200);
        auto.call(() -> Ops.matmul(big, big)); // 1.6e7 flops at 33 flops per byte
        assertEquals(1, full.calls("cudaGetDeviceCount"));
        assertEquals(1, full.calls("cublasSgemm_v2"));
    }

    @Test
    void aFailingCallFallsBackToTheCpuAndTheDeviceIsDropped() {
        Context gpu = route(Device.GPU, 0, full.directory());
        GemmRouter router = gpu.router();
        full.fail("cublasSgemm_v2", 13);
        try (LogCapture log = new LogCapture()) {
            assertArrayEquals(cpuProduct.toArray(), gpu.call(() -> Ops.matmul(a, b)).toArray());
            assertArrayEquals(cpuGram.toArray(), gpu.call(() -> Ops.gram(a)).toArray());
            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().get(0).contains("stub: the GPU program failed to execute"),
                    log.messages().get(0));
        }
        assertEquals(1, full.calls("cublasSgemm_v2"));
        assertEquals(0, full.calls("cublasSsyrk_v2"), "no more device calls after a failure");
        assertTrue(router.unavailableReason().orElseThrow().contains("cublasSgemm_v2 failed"));
    }

    @Test
    void whateverIsMissingTheResultIsTheCpus() {
        record Case(String what, Path dir, Consumer<CudaStub> setUp, String logged) {
        }
        List<Case> cases = List.of(
                new Case("no library", CudaStub.emptyDirectory(), s -> { }, "libcudart not found"),
                new Case("no cuBLAS", CudaStub.runtimeOnlyDirectory(), s -> { }, "libcublas not found"),
                new Case("a missing symbol", CudaStub.get(CudaStub.Variant.NO_SYRK).directory(), s -> { },
                        "has no function cublasSsyrk_v2"),
                new Case("no device", full.directory(), s -> s.setDeviceCount(0), "no CUDA device"),
                new Case("a failing call", full.directory(), s -> s.fail("cudaMalloc", 2), "stub: out of memory"));
        for (Case c : cases) {
            full.reset();
            c.setUp().accept(full);
            Context gpu = route(Device.GPU, 0, c.dir());
            try (LogCapture log = new LogCapture()) {
                assertArrayEquals(cpuProduct.toArray(), gpu.call(() -> Ops.matmul(a, b)).toArray(), c.what());
                assertArrayEquals(cpuGram.toArray(), gpu.call(() -> Ops.gram(a)).toArray(), c.what());
                assertEquals(1, log.messages().size(), c.what() + ": " + log.messages());
                assertTrue(log.messages().get(0).contains(c.logged()), c.what() + ": " + log.messages());
            }
        }
    }
}
