package org.jcontrast.autograd;

import static org.jcontrast.autograd.Arithmetic.add;
import static org.jcontrast.autograd.Arithmetic.exp;
import static org.jcontrast.autograd.Arithmetic.mul;
import static org.jcontrast.autograd.Arithmetic.scale;
import static org.jcontrast.autograd.Products.gram;
import static org.jcontrast.autograd.Products.matmul;
import static org.jcontrast.autograd.Reductions.sum;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The graph itself: ordering, accumulation, seeds, constants, no-grad scopes and the saved-tensor check. */
class BackwardTest {

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), shape);
    }

    @Test
    void aChainOfAHundredThousandOpsDoesNotOverflowTheStack() {
        Variable x = Variable.parameter(Tensor.scalar(3f));
        Variable y = x;
        for (int i = 0; i < 100_000; i++) {
            y = i % 2 == 0 ? scale(y, 2f) : scale(y, 0.5f);
        }
        y.backward();
        assertEquals(3f, y.value().item());
        assertEquals(1f, x.grad().item());
    }

    @Test
    void aVariableUsedTwiceGetsBothContributions() {
        Variable x = Variable.parameter(Tensor.wrap(new float[] {1.5f, -2f}, 2));
        sum(add(x, x)).backward();
        assertArrayEquals(new float[] {2f, 2f}, x.grad().toArray());

        x.zeroGrad();
        sum(mul(x, x)).backward();
        assertArrayEquals(new float[] {3f, -4f}, x.grad().toArray());
    }

    @Test
    void zTimesZTransposeCountsBothFactors() {
        Tensor z = randn(1, 5, 3);
        Tensor w = randn(2, 5, 5);
        // d/dZ Σ W ⊙ (Z·Zᵀ) = (W + Wᵀ)·Z
        Tensor expected = Ops.matmul(w, z);
        Ops.matmulInto(1f, w, true, z, false, 1f, expected);
        Variable viaMatmul = Variable.parameter(z);
        sum(mul(Variable.constant(w), matmul(viaMatmul, false, viaMatmul, true))).backward();
        Variable viaGram = Variable.parameter(z);
        sum(mul(Variable.constant(w), gram(viaGram))).backward();
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), viaMatmul.grad().get(i), 1e-5, "matmul(Z, Zᵀ) at " + i);
            assertEquals(expected.get(i), viaGram.grad().get(i), 1e-5, "gram(Z) at " + i);
        }
    }

    @Test
    void aSharedIntermediateIsDifferentiatedOnceWithEveryUseAdded() {
        Variable x = Variable.parameter(Tensor.scalar(0.7f));
        Variable h = exp(x);
        sum(add(h, mul(h, h))).backward(); // d/dx (e^x + e^2x) = e^x + 2e^2x
        double e = Math.exp(0.7);
        assertEquals(e + 2 * e * e, x.grad().item(), 1e-5);
    }

    @Test
    void gradientsAccumulateOverBackwardPassesUntilZeroed() {
        Variable x = Variable.parameter(Tensor.wrap(new float[] {1f, 2f}, 2));
        Variable y = sum(scale(x, 3f));
        y.backward();
        y.backward();
        assertArrayEquals(new float[] {6f, 6f}, x.grad().toArray());
        x.zeroGrad();
        assertNull(x.grad());
        y.backward();
        assertArrayEquals(new float[] {3f, 3f}, x.grad().toArray());
    }

    @Test
    void aSeedGradientWeightsANonScalarResult() {
        Variable x = Variable.parameter(Tensor.wrap(new float[] {1f, 2f, 3f}, 3));
        Variable y = scale(x, 2f);
        y.backward(Tensor.wrap(new float[] {1f, 0f, -1f}, 3));
        assertArrayEquals(new float[] {2f, 0f, -2f}, x.grad().toArray());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> y.backward(Tensor.zeros(2)));
        assertTrue(e.getMessage().contains("[2]") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void constantsRecordNothingAndGetNoGradient() {
        Variable c = Variable.constant(randn(3, 2, 2));
        Variable p = Variable.parameter(randn(4, 2, 2));
        Variable onlyConstants = mul(c, c);
        assertFalse(onlyConstants.requiresGrad());
        assertTrue(onlyConstants.isLeaf());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sum(onlyConstants).backward());
        assertTrue(e.getMessage().contains("does not require a gradient"), e.getMessage());

        sum(mul(c, p)).backward();
        assertNull(c.grad());
        assertArrayEquals(c.value().toArray(), p.grad().toArray());
    }

    @Test
    void detachStopsTheGradient() {
        Variable x = Variable.parameter(Tensor.scalar(4f));
        Variable y = mul(x, x.detach());
        y.backward();
        assertEquals(4f, x.grad().item(), "only the attached factor contributes");
        assertFalse(x.detach().requiresGrad());
    }

    @Test
    void noGradScopesRecordNothingAndNest() {
        Variable x = Variable.parameter(Tensor.scalar(2f));
        try (NoGrad _ = NoGrad.enter()) {
            NoGrad inner = NoGrad.enter();
            assertFalse(exp(x).requiresGrad());
            inner.close();
            inner.close(); // a second close must not end the outer scope
            assertFalse(exp(x).requiresGrad(), "still inside the outer scope");
        }
        assertTrue(exp(x).requiresGrad());
    }

    @Test
    void writingASavedTensorBeforeBackwardIsCaughtNamingTheOp() {
        Variable x = Variable.parameter("x", randn(5, 3, 4));
        Variable y = sum(exp(x));
        x.value().row(1).set(2, 0f); // through a view: the version counter is shared
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("'exp'"), e.getMessage());
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());

        Variable a = Variable.parameter(randn(6, 3, 2));
        Variable b = Variable.parameter(randn(7, 2, 4));
        Variable c = matmul(a, b);
        Variable loss = sum(c);
        b.value().markModified(); // a write made through array()
        e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("'matmul'"), e.getMessage());
    }

    @Test
    void writingATensorNoBackwardReadsIsAllowed() {
        Variable x = Variable.parameter(Tensor.wrap(new float[] {1f, 2f}, 2));
        Variable y = sum(add(x, x)); // add saves nothing: its gradient does not depend on x
        x.value().set(0, 5f);
        y.backward();
        assertArrayEquals(new float[] {2f, 2f}, x.grad().toArray());
    }

    @Test
    void anOperationDefinedElsewhereJoinsTheGraph() {
        Variable x = Variable.parameter(Tensor.wrap(new float[] {3f, -1f}, 2));
        Tensor xv = x.value();
        // x² with its own backward, as a fused kernel with an analytic gradient would be wrapped
        Variable square = Variable.fromOp("square", Ops.mul(xv, xv), List.of(x), List.of(xv),
                g -> new Tensor[] {Ops.scale(Ops.mul(g, xv), 2f)});
        sum(scale(square, 0.5f)).backward();
        assertArrayEquals(new float[] {3f, -1f}, x.grad().toArray());
    }

    @Test
    void aBackwardThatBreaksItsContractIsReportedNamingTheOp() {
        Variable x = Variable.parameter(Tensor.zeros(2));
        Variable none = Variable.fromOp("lazy", Tensor.zeros(2), List.of(x), List.of(), g -> new Tensor[] {null});
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> sum(none).backward());
        assertTrue(e.getMessage().contains("'lazy' gave no gradient"), e.getMessage());
        Variable wrong = Variable.fromOp("wide", Tensor.zeros(2), List.of(x), List.of(),
                g -> new Tensor[] {Tensor.zeros(3)});
        e = assertThrows(IllegalStateException.class, () -> sum(wrong).backward());
        assertTrue(e.getMessage().contains("'wide' gave a gradient of shape [3]"), e.getMessage());
    }
}
