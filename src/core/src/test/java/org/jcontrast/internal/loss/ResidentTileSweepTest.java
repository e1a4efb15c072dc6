package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.SplittableRandom;
import org.jcontrast.Device;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.GemmBackendProvider;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The streaming losses' passes on a backend with resident sweeps, here their float64 twin
 * ({@link HostResidentSweeps}): the CPU engine's losses and gradients for every loss of the
 * log-sum-exp family, the other losses left to the tile products, and a device failing in either
 * pass leaving the CPU's result, one log line and nothing held.
 */
class ResidentTileSweepTest {
    /** N = 21: 2N = 42 rows in tiles of 16 leave a tile of 10 at the edge. */
    private static final int N = 21;
    private static final int D = 6;
    private static final int TILE = 16;
    private final SplittableRandom random = new SplittableRandom(17);
    private final Tensor z1 = Tensor.randn(random, N, D);
    private final Tensor z2 = Tensor.randn(random, N, D);
    private final List<Context> contexts = new ArrayList<>();
    private final ForkJoinPool pool = new ForkJoinPool(Context.current().threads());
    /** Where {@link #streaming} computes: a router over the twin once {@link #onTheTwin} made one, else the CPU. */
    private Context context = on(new GemmRouter(new OffloadSettings(Device.CPU, Precision.FP32, 0), List.of()));

    @AfterEach
    void close() {
        contexts.forEach(Context::close);
        pool.shutdown();
    }

    private Context on(GemmRouter router) {
        Context c = new Context(Context.current().simd(), pool, router, Context.Streaming.DEFAULT);
        contexts.add(c);
        return c;
    }

    /** From now on computes with a router in {@code mode} over the twin (threshold 1e9 flops under auto). */
    private GemmRouter onTheTwin(Device mode, HostResidentSweeps twin) {
        GemmRouter router = new GemmRouter(new OffloadSettings(mode, Precision.FP32, 1e9),
                List.of(new GemmBackendProvider() {
                    @Override
                    public String name() {
                        return "twin";
                    }

                    @Override
                    public GemmBackend open(Precision precision) {
                        return new KernelBackend(Integer.MAX_VALUE, twin);
                    }
                }));
        context = on(router);
        return router;
    }

    private LossResult streaming(LossOptions spec) {
        return context.call(() -> LossFactory.create(spec, LossMode.STREAMING, TILE).compute(z1, z2));
    }

    private static List<LossOptions> family() {
        int[] labels = new int[N];
        for (int i = 0; i < N; i++) {
            labels[i] = i % 4 == 3 ? 7 : i % 3; // uneven groups
        }
        return List.of(
                LossOptions.of(LossKind.NTXENT),
                LossOptions.of(LossKind.NTXENT).withTemperature(0.01), // 2M = 200 > 80: each run its own shift
                LossOptions.of(LossKind.DCL),
                LossOptions.of(LossKind.DCLW).withWeightGradient(true),
                LossOptions.of(LossKind.SUPCON).withLabels(labels),
                LossOptions.of(LossKind.CLIP),
                LossOptions.of(LossKind.CLIP).withTemperature(0.01),
                LossOptions.of(LossKind.INFONCE).withBank(MemoryBank.randomUnit(17, D, 3)),
                LossOptions.of(LossKind.INFONCE).withBank(MemoryBank.randomUnit(40, D, 4)).withSymmetric(true));
    }

    @Test
    void everyLossOfTheFamilyRunsResidentAndGivesTheCpusResult() {
        for (LossOptions spec : family()) {
            LossResult cpu = streaming(spec);
            HostResidentSweeps twin = new HostResidentSweeps(0);
            GemmRouter router = onTheTwin(Device.GPU, twin);
            StreamingLossesTest.assertSameResult(spec.toString(), cpu, streaming(spec));
            assertEquals(1, twin.opened(), spec + ": one sweep, R and C uploaded once");
            assertEquals(1, twin.closed(), spec + ": and freed");
            assertEquals(2, router.residentPasses(), spec + ": observe and gradient");
            assertEquals(0, router.offloadedProducts(), spec + ": no single product");
        }
    }

    @Test
    void theOtherLossesSendTheirTileProductsOneByOne() {
        for (LossOptions spec : List.of(LossOptions.of(LossKind.SIMPLE), LossOptions.of(LossKind.HARD).withTopK(3),
                LossOptions.of(LossKind.HARD).withQuantile(0.5), LossOptions.of(LossKind.HARDSIMPLE).withTopK(2))) {
            HostResidentSweeps twin = new HostResidentSweeps(0);
            GemmRouter router = onTheTwin(Device.GPU, twin);
            streaming(spec);
            assertEquals(0, twin.opened(), spec.toString());
            assertTrue(router.offloadedProducts() > 0, spec.toString());
        }
    }

    @Test
    void autoKeepsSmallTilesOnTheCpu() {
        HostResidentSweeps twin = new HostResidentSweeps(0);
        onTheTwin(Device.AUTO, twin); // 16×16×6 tile products are far below 1e9 flops
        streaming(LossOptions.of(LossKind.NTXENT));
        assertEquals(0, twin.opened());
    }

    @Test
    void aDeviceFailingInEitherPassLeavesTheCpusResultAndOneLogLine() {
        LossOptions spec = LossOptions.of(LossKind.CLIP);
        LossResult cpu = streaming(spec);
        for (int failingPass = 1; failingPass <= 2; failingPass++) {
            HostResidentSweeps twin = new HostResidentSweeps(failingPass);
            GemmRouter router = onTheTwin(Device.GPU, twin);
            try (LogCapture log = new LogCapture()) {
                StreamingLossesTest.assertSameResult("failing in pass " + failingPass, cpu, streaming(spec));
                assertEquals(1, log.messages().size(), log.messages().toString());
                assertTrue(log.messages().get(0).contains("failed on purpose in pass " + failingPass),
                        log.messages().get(0));
            }
            assertEquals(1, twin.closed(), "the failed sweep is freed");
            assertTrue(router.backend().isEmpty(), "a failed device is not used again");
        }
    }
}
