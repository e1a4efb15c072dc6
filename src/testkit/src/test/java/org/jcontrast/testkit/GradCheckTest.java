package org.jcontrast.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jcontrast.autograd.Arithmetic;
import org.jcontrast.autograd.Products;
import org.jcontrast.autograd.Reductions;
import org.jcontrast.autograd.Variable;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.NtXent;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The check finds wrong gradients, says where, and passes right ones, with and without a float64 twin. */
class GradCheckTest {

    /** NT-Xent with one gradient entry spoiled by {@code delta} relative to its row. */
    private static Loss spoiled(int row, int col, double delta) {
        Loss nt = Losses.create(new NtXent(0.3));
        return (z1, z2, batch) -> {
            LossResult r = nt.compute(z1, z2, batch);
            Tensor g2 = r.grad2().copy();
            double rowMax = 0;
            for (int j = 0; j < g2.dim(1); j++) {
                rowMax = Math.max(rowMax, Math.abs(g2.get(row, j)));
            }
            g2.set(row, col, (float) (g2.get(row, col) + delta * rowMax));
            return new LossResult(r.loss(), r.grad1(), g2);
        };
    }

    @Test
    void aSpoiledEntryIsReportedWithItsInputRowColumnAndSeed() {
        Embeddings.Views v = Embeddings.views().rows(5, 5).width(4, 4).draw(Gen.of(7));
        GradReport r = GradCheck.of(spoiled(3, 2, 0.2)).seed(7).check(v.z1(), v.z2());
        assertFalse(r.passed());
        GradReport.Mismatch m = r.worst();
        assertEquals("z2", m.input());
        assertEquals(3, m.row());
        assertEquals(2, m.col());
        assertEquals(1, r.failureCount(), r.toString());
        assertEquals(0.2, m.relativeError(), 0.02, r.toString());
        assertEquals(7, r.seed().orElseThrow());
        String text = r.toString();
        assertTrue(text.contains("FAILED") && text.contains("z2[3][2]") && text.contains("-Djcontrast.seed=0x7")
                && text.contains("worst row z2[3]"), text);
        String json = r.toJson();
        assertTrue(json.contains("\"passed\": false") && json.contains("\"input\": \"z2\", \"row\": 3, \"col\": 2"),
                json);
        AssertionError e = assertThrows(AssertionError.class, r::orThrow);
        assertEquals(text, e.getMessage());
    }

    @Test
    void aSmallSpoilIsCaughtAndRoundingIsNot() {
        Property.forAll("1e-1 caught, 1e-4 not", 20, g -> {
            Embeddings.Views v = Embeddings.views().rows(2, 5).width(2, 4).draw(g);
            int row = g.intIn(0, v.n() - 1), col = g.intIn(0, v.d() - 1);
            assertFalse(GradCheck.of(spoiled(row, col, 0.1)).check(v.z1(), v.z2()).passed());
            GradCheck.of(spoiled(row, col, 1e-4)).seed(g.seed()).assertPasses(v.z1(), v.z2());
        });
    }

    @Test
    void aVariableFunctionOfSeveralInputsWithANonScalarOutput() {
        Property.forAll("x·W + exp(b), projected", 20, g -> {
            int n = g.size(1, 4), k = g.size(1, 4), m = g.size(1, 4);
            Tensor x = g.normal(n, k, 1), w = g.normal(k, m, 1), b = g.normal(1, m, 0.5);
            GradCheck.of(v -> Arithmetic.add(Products.matmul(v[0], v[1]), Arithmetic.exp(v[2]))).seed(g.seed())
                    .assertPasses(x, w, b);
        });
    }

    @Test
    void aWrongBackwardInAFunctionIsCaughtWithOrWithoutATwin() {
        // square(x) whose backward forgets the factor 2
        GradCheck.VariableFunction wrong = v -> Variable.fromOp("square", Arithmetic.mul(v[0], v[0]).value(),
                List.of(v[0]), List.of(), g -> new Tensor[] {Arithmetic.mul(Variable.constant(g), v[0].detach()).value()});
        Tensor x = Gen.of(3).normal(3, 2, 1);
        GradReport self = GradCheck.of(v -> Reductions.sum(wrong.apply(v))).check(x);
        assertFalse(self.passed(), self.toString());
        assertEquals(0.5, self.worst().analytic() / self.worst().numeric(), 1e-3, self.toString());
        GradReport twin = GradCheck.of(wrong).reference(in -> {
            double[] y = new double[in[0].length];
            for (int i = 0; i < y.length; i++) {
                y[i] = in[0][i] * in[0][i];
            }
            return y;
        }).check(x);
        assertFalse(twin.passed(), twin.toString());
        assertEquals(Tolerance.FLOAT64_TWIN, twin.tolerance());
        assertTrue(twin.failures().stream().allMatch(f -> f.input().equals("input 0")), twin.toString());
    }

    @Test
    void aTwinThatDisagreesWithTheValueIsReported() {
        Tensor x = Gen.of(4).normal(2, 3, 1);
        GradReport r = GradCheck.of(v -> Arithmetic.exp(v[0])).reference(in -> new double[in[0].length]).check(x);
        assertFalse(r.passed());
        assertTrue(r.failures().stream().anyMatch(f -> f.input().equals("value")), r.toString());
    }

    @Test
    void aLossTakesExactlyTwoViews() {
        Tensor z = Gen.of(5).normal(3, 2, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GradCheck.of(Losses.create(new NtXent())).check(z));
        assertTrue(e.getMessage().contains("two views"), e.getMessage());
    }
}
