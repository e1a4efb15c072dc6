package org.jcontrast.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.Device;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming losses with their tile products on the stub "GPU" one by one, through the registered
 * provider, where no libcuda lets the passes run resident (see {@link CudaResidentLossTest}): the
 * CPU's losses and gradients within float32 rounding, every tile product a cuBLAS call, TF32 on
 * request, and a failing call mid-sweep leaving the CPU's result and one log line.
 */
class CudaStreamingLossTest {
    private static final int N = 24;
    private static final int D = 8;
    private static final int TILE = 16;
    private static CudaStub stub;
    private final SplittableRandom random = new SplittableRandom(5);
    private final Tensor z1 = Tensor.randn(random, N, D);
    private final Tensor z2 = Tensor.randn(random, N, D);
    private RouterSwap swap;

    @BeforeAll
    static void buildStub() {
        stub = CudaStub.get(CudaStub.Variant.FULL);
    }

    @BeforeEach
    void onTheCpu() {
        stub.reset();
        swap = RouterSwap.begin();
    }

    @AfterEach
    void restore() {
        swap.end();
        stub.assertNothingLive(); // closing the router released every thread's stream, handle and buffers
    }

    /**
     * A context whose router sends every product to the stub, without its libcuda; asks it for the
     * resident passes at once, so that the one line saying why there are none is logged (and
     * checked) here.
     */
    private Context onTheStub(Precision precision) {
        return onTheStub(precision, Context.current().threads());
    }

    /** {@link #onTheStub(Precision)} on {@code threads} threads. */
    private Context onTheStub(Precision precision, int threads) {
        Context c = swap.route(new OffloadSettings(Device.GPU, precision, 0), CudaStub.noDriverDirectory(), threads);
        try (LogCapture log = new LogCapture()) {
            assertTrue(c.router().residentSweeps(1, 1, 1).isEmpty());
            assertEquals(List.of("jcontrast sends the streaming losses' tile products to the device one by one: "
                    + "libcuda not found: tried libcuda.so.1, libcuda.so in " + CudaStub.noDriverDirectory()),
                    log.messages());
        }
        return c;
    }

    private LossResult streaming(LossOptions spec) {
        return LossFactory.create(spec, LossMode.STREAMING, TILE).compute(z1, z2);
    }

    @Test
    void everyTileProductRunsOnTheDeviceAndTheResultIsTheCpus() {
        // 2N = 48 rows in tiles of 16: 6 tiles i ≤ j; observing takes one product per tile, the gradient
        // two per diagonal tile and three per other tile. CLIP and InfoNCE sweep 2×2 tiles of 16.
        record Case(LossOptions spec, int products) {
        }
        List<Case> cases = List.of(
                new Case(LossOptions.of(LossKind.NTXENT), 6 + 3 * 2 + 3 * 3),
                new Case(LossOptions.of(LossKind.HARDSIMPLE).withTopK(4), 6), // top-K: the selecting sweep only
                new Case(LossOptions.of(LossKind.CLIP), 4 + 4 * 3),
                new Case(LossOptions.of(LossKind.INFONCE).withBank(MemoryBank.randomUnit(20, D, 7)), 4 + 4 * 2));
        for (Case c : cases) {
            LossResult cpu = streaming(c.spec());
            stub.reset();
            Context gpu = onTheStub(Precision.FP32);
            GemmRouter router = gpu.router();
            assertClose(c.spec().toString(), cpu, gpu.call(() -> streaming(c.spec())), 1e-5);
            assertEquals(c.products(), stub.calls("cublasSgemm_v2"), c.spec() + ": SGEMM calls");
            assertEquals(0, stub.calls("cublasGemmEx"), "FP32 unless TF32 is asked for");
            assertEquals(c.products(), router.offloadedProducts(), c.spec().toString());
        }
    }

    @Test
    void tf32IsUsedWhenAskedFor() {
        LossOptions spec = LossOptions.of(LossKind.NTXENT);
        LossResult cpu = streaming(spec);
        Context gpu = onTheStub(Precision.TF32);
        GemmRouter router = gpu.router();
        LossResult tf32 = gpu.call(() -> streaming(spec));
        assertEquals(Precision.TF32, router.backend().orElseThrow().precision());
        assertEquals(21, stub.calls("cublasGemmEx"));
        assertEquals(0, stub.calls("cublasSgemm_v2"));
        assertClose("TF32", cpu, tf32, 1e-2); // inputs rounded to 10 mantissa bits
    }

    @Test
    void theDefaultTileIsLargeOnTheDevice() {
        LossOptions spec = LossOptions.of(LossKind.NTXENT);
        LossResult cpu = streaming(spec);
        Context device = onTheStub(Precision.FP32);
        assertEquals(LossFactory.GPU_TILE, (int) device.call(() -> LossFactory.defaultTile(2 * N, 2 * N, D)));
        LossResult gpu = device.call(() -> LossFactory.create(spec, LossMode.STREAMING).compute(z1, z2));
        assertEquals(3, stub.calls("cublasSgemm_v2"), "one tile: S, then its gradient product (diagonal: no dCols)");
        assertClose("one large tile", cpu, gpu, 1e-5);
    }

    @Test
    void aFailingCallMidSweepGivesTheCpusResultAndOneLogLine() {
        LossOptions spec = LossOptions.of(LossKind.NTXENT);
        LossResult cpu = streaming(spec);
        // One thread, so that no other tile is inside the device when the call fails.
        Context gpu = onTheStub(Precision.FP32, 1);
        GemmRouter router = gpu.router();
        stub.failAfter("cublasSgemm_v2", 8, 13); // the 9th product, in the gradient sweep
        try (LogCapture log = new LogCapture()) {
            assertClose("failing mid-sweep", cpu, gpu.call(() -> streaming(spec)), 1e-5);
            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().get(0).contains("stub: the GPU program failed to execute"),
                    log.messages().get(0));
        }
        assertEquals(9, stub.calls("cublasSgemm_v2"), "the device is not used after the failure");
        assertEquals(8, router.offloadedProducts());
        assertTrue(router.unavailableReason().orElseThrow().contains("cublasSgemm_v2 failed"));
    }

    /** Loss within {@code tolerance} relative; gradients within it relative to each gradient's largest entry. */
    static void assertClose(String what, LossResult want, LossResult got, double tolerance) {
        assertEquals(want.loss(), got.loss(), tolerance * (1 + Math.abs(want.loss())), what + ": loss");
        assertClose(what + ": grad1", want.grad1(), got.grad1(), tolerance);
        assertClose(what + ": grad2", want.grad2(), got.grad2(), tolerance);
        if (!Double.isNaN(want.gradLogitScale())) {
            assertEquals(want.gradLogitScale(), got.gradLogitScale(),
                    tolerance * (1 + Math.abs(want.gradLogitScale())), what + ": d/dt");
        }
    }

    private static void assertClose(String what, Tensor want, Tensor got, double tolerance) {
        float scale = 0;
        for (int i = 0; i < want.size(); i++) {
            scale = Math.max(scale, Math.abs(want.get(i)));
        }
        for (int i = 0; i < want.size(); i++) {
            assertEquals(want.get(i), got.get(i), tolerance * scale, what + " element " + i);
        }
    }
}
