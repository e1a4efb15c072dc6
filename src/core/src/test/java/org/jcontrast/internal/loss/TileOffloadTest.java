package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcontrast.Device;
import org.jcontrast.internal.backend.BackendUnavailableException;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.GemmBackendProvider;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.jcontrast.testing.LogCapture;
import org.junit.jupiter.api.Test;

/**
 * The streaming losses' tile products through {@link GemmRouter#global()}, with an in-memory backend
 * that computes on the CPU's own kernel: the same bits as the CPU, every product counted, a failure
 * mid-sweep recomputed on the CPU, and the large default tile exactly when the tiles go to a backend.
 */
class TileOffloadTest {
    private static final int N = 24;
    private static final int D = 8;
    private final SplittableRandom random = new SplittableRandom(31);
    private final Tensor z1 = Tensor.randn(random, N, D);
    private final Tensor z2 = Tensor.randn(random, N, D);

    /** Opens {@code backend}, or reports it unavailable when it is null; counts the opens. */
    private record Provider(GemmBackend backend, AtomicInteger opens) implements GemmBackendProvider {
        Provider(GemmBackend backend) {
            this(backend, new AtomicInteger());
        }

        @Override
        public String name() {
            return "test";
        }

        @Override
        public GemmBackend open(Precision precision) throws BackendUnavailableException {
            opens.incrementAndGet();
            if (backend == null) {
                throw new BackendUnavailableException("no device in this test");
            }
            return backend;
        }
    }

    private static GemmRouter router(Device mode, double threshold, Provider provider) {
        return new GemmRouter(new OffloadSettings(mode, Precision.FP32, threshold), List.of(provider));
    }

    private static void assertSameBits(String what, LossResult want, LossResult got) {
        assertEquals(want.loss(), got.loss(), 0.0, what);
        assertArrayEquals(want.grad1().toArray(), got.grad1().toArray(), what + ": grad1");
        assertArrayEquals(want.grad2().toArray(), got.grad2().toArray(), what + ": grad2");
    }

    @Test
    void everyTileProductGoesToTheBackendAndGivesTheCpusBits() throws Exception {
        // 2N = 48 rows in tiles of 16: symmetric, 3 blocks, 6 tiles i ≤ j; observing takes one product per
        // tile, the gradient two per diagonal tile and three per other tile (S, dRows, dCols). CLIP and
        // InfoNCE sweep 2×2 tiles of 16 (N = 24 rows against 24 texts or a bank of 20).
        record Case(LossOptions spec, int products) {
        }
        List<Case> cases = List.of(
                new Case(LossOptions.of(LossKind.NTXENT), 6 + 3 * 2 + 3 * 3),
                new Case(LossOptions.of(LossKind.HARD).withTopK(4), 6), // top-K: one selecting sweep, then sparse
                new Case(LossOptions.of(LossKind.CLIP), 4 + 4 * 3),
                new Case(LossOptions.of(LossKind.INFONCE).withBank(MemoryBank.randomUnit(20, D, 7)), 4 + 4 * 2));
        for (Case c : cases) {
            LossResult[] cpu = new LossResult[1];
            Contexts.withRouter(router(Device.CPU, 0, new Provider(null)),
                    () -> cpu[0] = LossFactory.create(c.spec(), LossMode.STREAMING, 16).compute(z1, z2));
            KernelBackend backend = new KernelBackend(Integer.MAX_VALUE);
            GemmRouter router = router(Device.GPU, 0, new Provider(backend));
            Contexts.withRouter(router, () -> {
                assertSameBits(c.spec().toString(), cpu[0],
                        LossFactory.create(c.spec(), LossMode.STREAMING, 16).compute(z1, z2));
                assertEquals(c.products(), backend.calls.get(), c.spec() + ": products on the backend");
                assertEquals(c.products(), router.offloadedProducts(), c.spec().toString());
            });
        }
    }

    @Test
    void aBackendFailingMidSweepLeavesTheCpusResult() throws Exception {
        LossOptions spec = LossOptions.of(LossKind.NTXENT);
        LossResult[] cpu = new LossResult[1];
        Contexts.withRouter(router(Device.CPU, 0, new Provider(null)),
                () -> cpu[0] = LossFactory.create(spec, LossMode.STREAMING, 16).compute(z1, z2));
        KernelBackend backend = new KernelBackend(9); // fails in the gradient sweep, and is then dropped
        GemmRouter router = router(Device.GPU, 0, new Provider(backend));
        // One thread, so that no other tile is inside the backend when it fails.
        Contexts.withThreads(1, () -> Contexts.withRouter(router, () -> {
            try (LogCapture log = new LogCapture()) {
                assertSameBits("failing at product 9", cpu[0],
                        LossFactory.create(spec, LossMode.STREAMING, 16).compute(z1, z2));
                assertEquals(1, log.messages().size(), log.messages().toString());
                assertTrue(log.messages().get(0).contains("kernel backend failed on purpose"), log.messages().get(0));
            }
            assertEquals(9, backend.calls.get(), "no product goes to the backend after its failure");
            assertEquals(8, router.offloadedProducts());
            assertTrue(router.unavailableReason().orElseThrow().contains("failed on purpose"));
        }));
    }

    @Test
    void theDefaultTileIsLargeWhenTheTileProductsGoToABackendAndForLargeMatrices() throws Exception {
        // Engine.tile()'s javadoc, in the exported API, states the rule with these numbers.
        assertEquals(List.of(256, 512, 16384, 4096, 512, 4096), List.of(LossFactory.DEFAULT_TILE, LossFactory.LARGE_TILE,
                LossFactory.LARGE_MIN_ROWS, LossFactory.WIDE_MIN_ROWS, LossFactory.WIDE_WIDTH, LossFactory.GPU_TILE));
        int large = 3 * LossFactory.GPU_TILE;
        Contexts.withRouter(router(Device.CPU, 0, new Provider(null)), () -> {
            assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(large, large, 128), "cpu");
            assertEquals(LossFactory.LARGE_TILE, LossFactory.defaultTile(16384, 16384, 16), "cpu, many rows");
            assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(16384, 16383, 16), "cpu, fewer columns");
            assertEquals(LossFactory.LARGE_TILE, LossFactory.defaultTile(4096, 4096, 512), "cpu, wide rows");
            assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(4096, 4095, 1024), "cpu, wide, fewer columns");
            assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(large, large, 511), "cpu, narrower rows");
        });

        Contexts.withRouter(router(Device.GPU, 0, new Provider(null)), () -> {
            try (LogCapture log = new LogCapture()) {
                assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(large, large, 128), "gpu without a backend");
                assertEquals(List.of("jcontrast computes matrix products on the CPU: test: no device in this test"),
                        log.messages());
            }
        });

        Provider auto = new Provider(new KernelBackend(Integer.MAX_VALUE));
        Contexts.withRouter(router(Device.AUTO, 1e9, auto), () -> {
            assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(large, large, 16),
                    "auto: 4096×4096×16 is too small");
            assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(500, 500, 128),
                    "auto: so is one tile of 500×500×128");
            assertEquals(0, auto.opens().get(), "and they do not even open the backend");
            assertEquals(LossFactory.GPU_TILE, LossFactory.defaultTile(large, large, 128), "auto: 4096×4096×128 passes");
            assertEquals(LossFactory.GPU_TILE, LossFactory.defaultTile(LossOptions.of(LossKind.NTXENT), 1024, 128),
                    "one tower, 2N × 2N: 2048×2048×128 is 1.07e9 flops");
            assertEquals(LossFactory.DEFAULT_TILE, LossFactory.defaultTile(LossOptions.of(LossKind.CLIP), 1024, 128),
                    "CLIP, N × N: 1024×1024×128 is below the threshold");
        });

        KernelBackend backend = new KernelBackend(Integer.MAX_VALUE);
        LossResult[] big = new LossResult[1];
        Contexts.withRouter(router(Device.GPU, 0, new Provider(backend)), () -> {
            assertEquals(LossFactory.GPU_TILE, LossFactory.defaultTile(2 * N, 2 * N, D), "gpu");
            // The default tile covers the whole 48×48 matrix: one diagonal tile, three device calls in all.
            big[0] = LossFactory.create(LossOptions.of(LossKind.NTXENT), LossMode.STREAMING).compute(z1, z2);
            assertEquals(3, backend.calls.get());
        });
        Contexts.withRouter(router(Device.CPU, 0, new Provider(null)), () -> assertSameBits("one tile",
                LossFactory.create(LossOptions.of(LossKind.NTXENT), LossMode.STREAMING, 64).compute(z1, z2), big[0]));

        Contexts.withRouter(router(Device.GPU, 0, new Provider(new KernelBackend(Integer.MAX_VALUE))),
                () -> Contexts.withTile(48,
                        () -> assertEquals(48, LossFactory.defaultTile(large, large, 128), "the context's tile wins")));
    }
}
