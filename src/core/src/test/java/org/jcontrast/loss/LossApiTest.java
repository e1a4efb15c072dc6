package org.jcontrast.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jcontrast.Engine;
import org.jcontrast.Simd;
import org.jcontrast.autograd.Variable;
import org.jcontrast.nn.Linear;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The public loss API: specs that cannot be built wrong, batch inputs, arrays in and gradients out, autograd. */
class LossApiTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(12);
    private final Tensor z1 = Tensor.randn(RANDOM, 6, 4);
    private final Tensor z2 = Tensor.randn(RANDOM, 6, 4);

    @Test
    void impossibleSpecsCannotBeBuilt() {
        assertMessage("the hard loss's selection of negatives (Selection.topK or Selection.quantile) must be given",
                () -> new HardContrastive(0.5, null));
        assertMessage("the temperature must be a positive finite number, got 0.0", () -> new NtXent(0));
        assertMessage("top-K needs K ≥ 1, got 0", () -> Selection.topK(0));
        assertMessage("the quantile must be in (0, 1], got 1.5", () -> Selection.quantile(1.5));
        assertMessage("sigma must be a positive finite number, got -1.0", () -> new Dclw().withSigma(-1));
        assertMessage("ntxent: top-K and quantile apply to hard and hardsimple only",
                () -> LossSpec.builder(LossKind.NTXENT).selection(Selection.topK(4)).build());
        assertMessage("hard: give either top-K or a quantile, not both",
                () -> LossSpec.builder(LossKind.HARD).selection(Selection.topK(4)).selection(Selection.quantile(0.1)));
        assertMessage("hard: needs a selection of negatives, top-K or a quantile",
                () -> LossSpec.builder(LossKind.HARD).build());
        assertMessage("simple: it has no temperature",
                () -> LossSpec.builder(LossKind.SIMPLE).temperature(0.5).build());
        assertMessage("dcl: lambda applies to simple and hardsimple only",
                () -> LossSpec.builder(LossKind.DCL).lambda(1).build());
        assertThrows(NullPointerException.class, () -> Losses.create(null));
    }

    @Test
    void specsCompareByValueAndRoundTripThroughTheBuilder() {
        LossSpec hard = new HardContrastive(0.2, Selection.topK(8)).withNegatives(NegativeSet.CROSS);
        assertEquals(hard, new HardContrastive(0.2, Selection.topK(8), NegativeSet.CROSS, Normalize.strict()));
        assertEquals(hard.hashCode(), LossSpec.builder(hard).build().hashCode());
        assertNotEquals(hard, new HardContrastive(0.2, Selection.topK(9)).withNegatives(NegativeSet.CROSS));
        assertEquals("hard τ=0.2 top-k=8 negatives=cross", hard.describe());
        for (LossSpec spec : List.of(new NtXent(), new Dcl(), new Dclw().withWeightGradient(true),
                new Simple().withLambda(0.3), new HardSimple(Selection.quantile(0.2)), new InfoNce().withSymmetric(true),
                new SupCon().withRescale(false), new Clip(0.1).withNormalize(Normalize.likePyTorch(1e-8f)))) {
            assertEquals(spec, LossSpec.builder(spec).build(), spec.describe());
        }
        assertEquals(0.5, LossSpec.builder(LossKind.NTXENT).build().temperature());
        assertTrue(Double.isNaN(new Simple().temperature()));
    }

    @Test
    void perBatchInputsGoToTheLossThatTakesThem() {
        int[] labels = {0, 1, 0, 1, 2, 2};
        assertMessage("supcon: needs labels, one per row of a view", () -> Losses.create(new SupCon()).compute(z1, z2));
        assertMessage("ntxent: labels apply to supcon only",
                () -> Losses.create(new NtXent()).compute(z1, z2, BatchInputs.labels(labels)));
        assertMessage("infonce: needs a memory bank of negatives", () -> Losses.create(new InfoNce()).compute(z1, z2));
        LossResult supcon = Losses.create(new SupCon()).compute(z1, z2, BatchInputs.labels(labels));
        assertTrue(Double.isFinite(supcon.loss()));
        labels[0] = 2; // the batch inputs were copied
        assertEquals(supcon.loss(), Losses.create(new SupCon()).compute(z1, z2, BatchInputs.labels(
                new int[] {0, 1, 0, 1, 2, 2})).loss(), 0.0);
        MemoryBank bank = MemoryBank.randomUnit(10, 4, 3);
        assertTrue(Losses.create(new InfoNce()).compute(z1, z2, BatchInputs.bank(bank)).loss() > 0);
    }

    @Test
    void rowsInGradientsOutAndCallerOwnedBuffersGiveTheSameBits() {
        for (LossMode mode : List.of(LossMode.MATERIALIZED, LossMode.STREAMING)) {
            Loss loss = Losses.create(new NtXent(0.2), mode);
            LossResult r = loss.compute(z1, z2);
            LossResult rows = loss.compute(z1.toRows(), z2.toRows());
            assertEquals(r.loss(), rows.loss(), 0.0);
            assertArrayEquals(r.grad1().toArray(), rows.grad1().toArray());
            float[][] g1 = new float[6][4], g2 = new float[6][4];
            assertEquals(r.loss(), loss.computeInto(z1.toRows(), z2.toRows(), g1, g2, BatchInputs.none()), 0.0);
            assertArrayEquals(r.grad2Rows()[5], g2[5]);
            Tensor t1 = Tensor.full(Float.NaN, 6, 4), t2 = Tensor.full(Float.NaN, 6, 4);
            assertEquals(r.loss(), loss.computeInto(z1, z2, t1, t2, BatchInputs.none()), 0.0);
            assertArrayEquals(r.grad1().toArray(), t1.toArray(), mode + ": written over, not added to");
            assertMessage("ntxent: the gradient buffers must have the views' shape [6, 4], got [6, 3] and [6, 4]",
                    () -> loss.computeInto(z1, z2, Tensor.zeros(6, 3), t2, BatchInputs.none()));
        }
    }

    @Test
    void asAnAutogradOpTheLossTrainsWhatComesBeforeIt() {
        Linear head = new Linear("head", 4, 3, true, new SplittableRandom(5));
        Loss loss = Losses.create(new Dcl(0.3));
        Variable out = loss.apply(head.forward(Variable.constant(z1), true), head.forward(Variable.constant(z2), true));
        out.backward();
        Tensor viaApply = head.parameters().get(0).grad().copy();
        // The same chain by hand: the loss's gradients seeded into each tower's forward pass.
        head.parameters().forEach(p -> p.zeroGrad());
        Variable e1 = head.forward(Variable.constant(z1), true), e2 = head.forward(Variable.constant(z2), true);
        LossResult r = loss.compute(e1.value(), e2.value());
        e1.backward(r.grad1());
        e2.backward(r.grad2());
        assertEquals(r.loss(), out.value().item(), 1e-6);
        assertArrayEquals(head.parameters().get(0).grad().toArray(), viaApply.toArray());
    }

    @Test
    void aLossBoundToAnEngineComputesWithItAndIsSafeToShare() throws Exception {
        LossSpec spec = new HardContrastive(0.5, Selection.topK(3));
        try (Engine scalar = Engine.builder().simd(Simd.SCALAR).threads(1).build()) {
            LossResult bound = Losses.create(spec, LossMode.STREAMING, scalar).compute(z1, z2);
            LossResult inBlock = scalar.call(() -> Losses.create(spec, LossMode.STREAMING).compute(z1, z2));
            assertEquals(inBlock.loss(), bound.loss(), 0.0);
            assertArrayEquals(inBlock.grad1().toArray(), bound.grad1().toArray());
        }
        Loss shared = Losses.create(spec);
        LossResult once = shared.compute(z1, z2);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<LossResult>> all = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                all.add(pool.submit(() -> shared.compute(z1, z2)));
            }
            for (Future<LossResult> f : all) {
                assertArrayEquals(once.grad2().toArray(), f.get().grad2().toArray(), "same bits from every thread");
            }
        } finally {
            pool.shutdown();
        }
    }

    private static void assertMessage(String expected, Runnable action) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, action::run);
        assertEquals(expected, e.getMessage());
    }
}
