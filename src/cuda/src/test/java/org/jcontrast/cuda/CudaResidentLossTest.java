package org.jcontrast.cuda;

import static org.jcontrast.cuda.CudaStreamingLossTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.jcontrast.Device;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.BackendUnavailableException;
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
import org.junit.jupiter.api.io.TempDir;

/**
 * The streaming losses resident on the stub "GPU": our kernels, loaded from the committed PTX through
 * the stub's libcuda and emulated there in float64, with cuBLAS tile products into device memory.
 * Every loss of the log-sum-exp family gives the CPU engine's loss and gradients within float32
 * rounding, at sizes that leave partial tiles; the launches and products are counted per tile; the
 * transfers do not depend on the number of tiles; and a fault at any call leaves the CPU's result,
 * one log line and nothing allocated.
 */
class CudaResidentLossTest {
    private static CudaStub stub;
    private RouterSwap swap;
    /** Where {@link #compute} runs. */
    private Context context;

    /** A loss on views of N rows of width D, in tiles of TILE (2N or N rows, not a multiple of the tile). */
    private record Case(String what, LossOptions spec, int n, int d, int tile) {
        Tensor[] views() {
            SplittableRandom random = new SplittableRandom(n * 31L + d);
            return new Tensor[] {Tensor.randn(random, n, d), Tensor.randn(random, n, d)};
        }
    }

    @BeforeAll
    static void buildStub() {
        stub = CudaStub.get(CudaStub.Variant.FULL);
    }

    @BeforeEach
    void onTheCpu() {
        stub.reset();
        swap = RouterSwap.begin();
        cpuRouter();
    }

    @AfterEach
    void restore() {
        swap.end();
        stub.assertNothingLive(); // closing the router freed the sweeps' memory and unloaded the kernels
    }

    /** From now on computes on the stub; returns its router. */
    private GemmRouter onTheStub(Precision precision) {
        context = swap.route(new OffloadSettings(Device.GPU, precision, 0), stub.directory());
        return context.router();
    }

    /** From now on computes on the CPU. */
    private void cpuRouter() {
        context = swap.route(new OffloadSettings(Device.CPU, Precision.FP32, 0), stub.directory());
    }

    private LossResult compute(Case c) {
        Tensor[] z = c.views();
        return context.call(() -> LossFactory.create(c.spec(), LossMode.STREAMING, c.tile()).compute(z[0], z[1]));
    }

    private static List<Case> family() {
        int n = 21;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 5 == 4 ? 9 : i % 3; // groups of different sizes
        }
        return List.of(
                new Case("ntxent, shared shift", LossOptions.of(LossKind.NTXENT), n, 8, 16),
                new Case("ntxent, τ = 0.02: own shifts", LossOptions.of(LossKind.NTXENT).withTemperature(0.02), n, 8, 16),
                new Case("ntxent, one tile", LossOptions.of(LossKind.NTXENT), n, 8, 64),
                new Case("ntxent, tiles wider than a block", LossOptions.of(LossKind.NTXENT), 100, 5, 150),
                new Case("dcl", LossOptions.of(LossKind.DCL), n, 8, 16),
                new Case("dclw", LossOptions.of(LossKind.DCLW).withWeightGradient(true).withClampWeight(true), n, 8, 16),
                new Case("supcon", LossOptions.of(LossKind.SUPCON).withLabels(labels), n, 8, 16),
                new Case("supcon, τ = 0.02", LossOptions.of(LossKind.SUPCON).withLabels(labels).withTemperature(0.02), n,
                        8, 16),
                new Case("clip", LossOptions.of(LossKind.CLIP), n, 8, 16),
                new Case("clip, τ = 0.01: own shifts", LossOptions.of(LossKind.CLIP).withTemperature(0.01), n, 8, 16),
                new Case("infonce, bank of 37", LossOptions.of(LossKind.INFONCE)
                        .withBank(MemoryBank.randomUnit(37, 8, 3)), n, 8, 16),
                new Case("infonce, symmetric, bank of 50", LossOptions.of(LossKind.INFONCE)
                        .withBank(MemoryBank.randomUnit(50, 8, 4)).withSymmetric(true), n, 8, 16));
    }

    @Test
    void everyLossOfTheFamilyGivesTheCpuEnginesResult() {
        for (Case c : family()) {
            cpuRouter();
            LossResult cpu = compute(c);
            stub.reset();
            GemmRouter router = onTheStub(Precision.FP32);
            assertClose(c.what(), cpu, compute(c), 2e-5);
            assertEquals(2, router.residentPasses(), c.what() + ": observe and gradient ran resident");
            assertEquals(0, router.offloadedProducts(), c.what() + ": no product went through the router");
            assertEquals(1, stub.calls("cuModuleLoadDataEx"), c.what());
            context.close();
            assertEquals(1, stub.calls("cuModuleUnload"), c.what() + ": closing the backend unloads the kernels");
        }
    }

    @Test
    void launchesAndProductsArePerTile() {
        // one tower, 2N = 42 in tiles of 16: 3 blocks, 6 tiles i ≤ j of which 3 diagonal
        record Count(Case c, int observeShared, int observeRows, int observeColumns, int products) {
        }
        List<Case> cases = family();
        List<Count> counts = List.of(
                new Count(cases.get(0), 6, 0, 0, 6 + 6 + 6 + 3),
                new Count(cases.get(1), 0, 6, 3, 6 + 6 + 6 + 3),
                new Count(cases.get(8), 4, 0, 0, 4 + 4 + 4 + 4),     // clip, 21 × 21 in 2 × 2 tiles
                new Count(cases.get(9), 0, 4, 4, 4 + 4 + 4 + 4),
                new Count(cases.get(10), 0, 6, 0, 6 + 6 + 6));       // infonce, 21 queries × 37: 2 × 3 tiles
        for (Count k : counts) {
            stub.reset();
            onTheStub(Precision.FP32);
            compute(k.c());
            String what = k.c().what();
            assertEquals(k.observeShared(), stub.calls("jc_observe_shared"), what);
            assertEquals(k.observeRows(), stub.calls("jc_observe_rows"), what);
            assertEquals(k.observeColumns(), stub.calls("jc_observe_columns"), what);
            int tiles = k.observeShared() + k.observeRows();
            assertEquals(tiles, stub.calls("jc_gradient"), what);
            assertEquals(k.products(), stub.calls("cublasSgemm_v2"), what);
        }
    }

    @Test
    void theTransfersDoNotDependOnTheNumberOfTiles() {
        // At most: R, C, the keys, the maxima's start, three coefficients up; four statistics, two gradients back.
        for (Case c : List.of(family().get(0), family().get(1), family().get(9), family().get(10))) {
            int[] copies = new int[2];
            int[] tiles = {c.tile(), 1000};
            for (int k = 0; k < 2; k++) {
                stub.reset();
                onTheStub(Precision.FP32);
                compute(new Case(c.what(), c.spec(), c.n(), c.d(), tiles[k]));
                copies[k] = stub.calls("cudaMemcpyAsync");
            }
            assertEquals(copies[1], copies[0], c.what() + ": copies with many tiles and with one");
            assertTrue(copies[0] <= 13, c.what() + ": " + copies[0] + " copies");
        }
    }

    @Test
    void tf32IsUsedWhenAskedFor() {
        Case c = family().get(0);
        cpuRouter();
        LossResult cpu = compute(c);
        GemmRouter router = onTheStub(Precision.TF32);
        assertClose("TF32", cpu, compute(c), 1e-2); // inputs rounded to 10 mantissa bits
        assertEquals(21, stub.calls("cublasGemmEx"));
        assertEquals(0, stub.calls("cublasSgemm_v2"));
        assertEquals(2, router.residentPasses());
    }

    @Test
    void aFaultAtAnyCallOfTheSweepLeavesTheCpusResult() {
        Case c = family().get(1); // own shifts: every kernel runs
        cpuRouter();
        LossResult cpu = compute(c);
        record Fault(String function, int after) {
        }
        List<Fault> faults = List.of(new Fault("cudaMalloc", 2), new Fault("cudaMalloc", 8),
                new Fault("cudaMemcpyAsync", 1), new Fault("cudaMemcpyAsync", 6), new Fault("cudaMemsetAsync", 0),
                new Fault("cudaStreamSynchronize", 5), new Fault("cublasSgemm_v2", 0), new Fault("cublasSgemm_v2", 9),
                new Fault("cuLaunchKernel", 3), new Fault("jc_observe_rows", 0), new Fault("jc_observe_columns", 2),
                new Fault("jc_gradient", 4));
        for (Fault f : faults) {
            String what = f.function() + " failing after " + f.after() + " calls";
            stub.reset();
            GemmRouter router = onTheStub(Precision.FP32);
            router.residentSweeps(1, 1, 1); // set up the kernels before the fault is armed
            stub.failAfter(f.function(), f.after(), f.function().startsWith("cu") ? 999 : 719);
            try (LogCapture log = new LogCapture()) {
                assertClose(what, cpu, compute(c), 2e-5);
                assertEquals(1, log.messages().size(), what + ": " + log.messages());
                assertTrue(log.messages().get(0).contains("streaming loss failed"), what + ": " + log.messages());
            }
            assertTrue(router.backend().isEmpty(), what + ": the device is not trusted again");
            assertEquals(f.after() + 1, stub.calls(f.function()), what + ": the fault was reached, then no more calls");
        }
    }

    @Test
    void whenTheKernelsCannotBeSetUpTheTilesGoToCublasOneByOne() {
        record Setup(String what, Consumer<CudaStub> arm, String reason) {
        }
        List<Setup> setups = List.of(
                new Setup("cuInit", s -> s.fail("cuInit", 999), "cuInit failed: unknown error (driver error 999)"),
                new Setup("no device for the driver", s -> s.fail("cuInit", 100),
                        "cuInit failed: CUDA_ERROR_NO_DEVICE: stub: no CUDA-capable device is detected"),
                new Setup("the JIT refuses the PTX", s -> s.fail("cuModuleLoadDataEx", 200),
                        "cuModuleLoadDataEx failed: CUDA_ERROR_INVALID_IMAGE"),
                new Setup("a kernel is missing", s -> s.failAfter("cuModuleGetFunction", 2, 500),
                        "cuModuleGetFunction(jc_observe_columns) failed: CUDA_ERROR_NOT_FOUND"));
        Case c = family().get(8);
        cpuRouter();
        LossResult cpu = compute(c);
        for (Setup s : setups) {
            stub.reset();
            s.arm().accept(stub);
            GemmRouter router = onTheStub(Precision.FP32);
            try (LogCapture log = new LogCapture()) {
                assertClose(s.what(), cpu, compute(c), 2e-5);
                assertEquals(1, log.messages().size(), s.what() + ": " + log.messages());
                assertTrue(log.messages().get(0).contains(s.reason()), s.what() + ": " + log.messages());
            }
            assertEquals(0, router.residentPasses(), s.what());
            assertEquals(16, router.offloadedProducts(), s.what() + ": the tile products went to cuBLAS");
            assertTrue(router.residentUnavailableReason().orElseThrow().contains(s.reason()), s.what());
        }
    }

    @Test
    void aPtxWhoseKernelTakesOtherParametersIsRefusedWithTheJitLog(@TempDir Path dir) throws IOException {
        String ptx;
        try (InputStream in = LossKernels.class.getResourceAsStream(LossKernels.RESOURCE)) {
            ptx = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        Path changed = dir.resolve("changed.ptx");
        Files.writeString(changed, ptx.replace(".param .f32 jc_gradient_param_5", ".param .u32 jc_gradient_param_5"));
        Case c = family().get(0);
        cpuRouter();
        LossResult cpu = compute(c);
        String saved = System.getProperty(LossKernels.PTX_PROPERTY);
        System.setProperty(LossKernels.PTX_PROPERTY, changed.toString());
        try (LogCapture log = new LogCapture()) {
            GemmRouter router = onTheStub(Precision.FP32);
            assertClose("a refused PTX", cpu, compute(c), 2e-5);
            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().get(0).contains("CUDA_ERROR_INVALID_IMAGE: stub: device kernel image is invalid "
                    + "(driver error 200); JIT log: stub: jc_gradient takes (piiifipiiippp) in the PTX but the stub "
                    + "reads (piiiffpiiippp)"), log.messages().get(0));
            assertEquals(0, router.residentPasses());
        } finally {
            if (saved == null) {
                System.clearProperty(LossKernels.PTX_PROPERTY);
            } else {
                System.setProperty(LossKernels.PTX_PROPERTY, saved);
            }
        }
    }

    @Test
    void theStubRefusesALaunchTheKernelsWereNotWrittenFor() throws BackendUnavailableException {
        try (CudaGemmBackend backend = CudaGemmBackend.open(Optional.of(stub.directory()), Precision.FP32);
             DeviceMatrix tile = backend.allocate(200, 300)) {
            backend.residentSweeps(); // initialises the driver and makes the context current here
            CudaDriver driver = new CudaDriver(CudaLibraries.openDriver(Optional.of(stub.directory())));
            LossKernels kernels = LossKernels.load(driver);
            try (DeviceMatrix coefficients = backend.allocate(1, 500)) {
                LossKernels.Tile t = new LossKernels.Tile(tile.pointer(), 200, 300, 300, 2f, MemorySegment.NULL, 0,
                        200, LossKernels.COLUMNS | LossKernels.SHARED);
                kernels.gradient(backend.context().stream(), t, 2f, MemorySegment.NULL, coefficients.pointer(),
                        coefficients.pointer());
                CudaException tooFew = assertThrows(CudaException.class, () -> kernels.gradient(
                        backend.context().stream(), new LossKernels.Tile(tile.pointer(), 200, 301, 301, 2f,
                                MemorySegment.NULL, 0, 200, LossKernels.SHARED), 2f, MemorySegment.NULL,
                        coefficients.pointer(), coefficients.pointer()));
                assertTrue(tooFew.getMessage().contains("the 200x301 tile is not in device memory"), tooFew.getMessage());
                try (DeviceMatrix few = backend.allocate(1, 100)) {
                    CudaException shortArray = assertThrows(CudaException.class, () -> kernels.gradient(
                            backend.context().stream(), t, 2f, MemorySegment.NULL, few.pointer(),
                            coefficients.pointer()));
                    assertTrue(shortArray.getMessage().contains("weight does not cover anchor 499"),
                            shortArray.getMessage());
                }
            } finally {
                kernels.unload();
            }
        }
        stub.assertNothingLive();
    }
}
