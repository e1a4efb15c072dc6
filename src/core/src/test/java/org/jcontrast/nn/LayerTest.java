package org.jcontrast.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.Engine;
import org.jcontrast.autograd.Normalization;
import org.jcontrast.autograd.Variable;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

class LayerTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(7);

    private static Tensor normal(int rows, int cols) {
        return Tensor.randn(RANDOM, rows, cols);
    }

    @Test
    void aConstantInputGetsNoGradientAndABiaslessLayerWorks() {
        Variable x = Variable.constant(normal(3, 2));
        Variable w = Variable.parameter(normal(2, 4));
        Variable y = Linear.affine(x, w, null);
        y.backward(Tensor.full(1f, 3, 4));
        assertNull(x.grad());
        assertEquals(8, w.grad().size());
        Linear layer = new Linear("l", 2, 4, false, new SplittableRandom(1));
        assertEquals(List.of("l.weight"), layer.parameters().stream().map(Parameter::name).toList());
        assertEquals(2, new Linear("l", 2, 4, true, new SplittableRandom(1)).parameters().size());
        assertThrows(IllegalArgumentException.class, () -> new Linear("l", 0, 4, true, new SplittableRandom(1)));
    }

    @Test
    void fusedBatchNormEqualsTheComposedOneInValueAndGradients() {
        // 700 columns of 1100 rows on 3 threads: chunks of about 233 columns, each a block of 128 and a
        // rest that is off every vector width.
        for (int[] shape : new int[][] {{6, 5}, {1100, 700}}) {
            try (Engine engine = Engine.builder().threads(3).build()) {
                engine.run(() -> fusedBatchNormEqualsTheComposedOne(shape[0], shape[1]));
            }
        }
    }

    private static void fusedBatchNormEqualsTheComposedOne(int rows, int cols) {
        Tensor x = normal(rows, cols), gamma = Tensor.randn(RANDOM, cols), beta = Tensor.randn(RANDOM, cols);
        Tensor seed = normal(rows, cols);
        Variable[] fused = {Variable.parameter(x), Variable.parameter(gamma), Variable.parameter(beta)};
        Variable[] composed = {Variable.parameter(x), Variable.parameter(gamma), Variable.parameter(beta)};
        Variable yf = BatchNorm.normalize(fused[0], fused[1], fused[2], null, null);
        Variable yc = Normalization.batchNorm(composed[0], composed[1], composed[2], BatchNorm.EPS);
        assertClose(yc.value(), yf.value(), 1e-5);
        yf.backward(seed);
        yc.backward(seed);
        for (int i = 0; i < 3; i++) {
            assertClose(composed[i].grad(), fused[i].grad(), 1e-4);
        }
    }

    @Test
    void aBatchNormFollowedByAReluRunsFusedWithTheSameBits() throws Exception {
        for (int[] shape : new int[][] {{6, 5}, {1100, 700}}) {
            try (Engine engine = Engine.builder().threads(3).build()) {
                engine.run(() -> fusedBatchNormReluHasTheSameBits(shape[0], shape[1]));
            }
        }
    }

    private static void fusedBatchNormReluHasTheSameBits(int rows, int cols) {
        Tensor x = normal(rows, cols), seed = normal(rows, cols);
        BatchNorm plainNorm = new BatchNorm("b", cols);
        Variable xp = Variable.parameter(x.copy());
        Variable yp = new Relu().forward(plainNorm.forward(xp, true), true);
        yp.backward(seed);
        // The fused operation itself, and through a Sequential, which picks it for the pair.
        BatchNorm direct = new BatchNorm("a", cols), viaSequential = new BatchNorm("a", cols);
        Variable xd = Variable.parameter(x.copy()), xs = Variable.parameter(x.copy());
        Variable yd = direct.forwardRelu(xd), ys = new Sequential(List.of(viaSequential, new Relu())).forward(xs, true);
        yd.backward(seed);
        ys.backward(seed);
        for (Object[] run : new Object[][] {{direct, xd, yd}, {viaSequential, xs, ys}}) {
            BatchNorm norm = (BatchNorm) run[0];
            assertSameBits(yp.value(), ((Variable) run[2]).value(), "output");
            assertSameBits(xp.grad(), ((Variable) run[1]).grad(), "∂x");
            for (int i = 0; i < 2; i++) {
                assertSameBits(plainNorm.parameters().get(i).grad(), norm.parameters().get(i).grad(),
                        norm.parameters().get(i).name());
            }
            assertSameBits(plainNorm.buffers().get("b.running_mean"), norm.buffers().get("a.running_mean"), "mean");
            assertSameBits(plainNorm.buffers().get("b.running_var"), norm.buffers().get("a.running_var"), "var");
        }
    }

    private static void assertSameBits(Tensor want, Tensor got, String what) {
        float[] w = want.toArray(), g = got.toArray();
        for (int i = 0; i < w.length; i++) {
            assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(g[i]),
                    what + "[" + i + "]: " + g[i] + " against " + w[i]);
        }
    }

    @Test
    void batchNormKeepsPyTorchsRunningStatisticsAndUsesThemInEvaluation() {
        BatchNorm bn = new BatchNorm("bn", 2);
        Tensor x = Tensor.fromRows(new float[][] {{1, 10}, {3, 10}, {5, 16}});
        Tensor yTrain = bn.forward(Variable.constant(x), true).value();
        // Column 0: mean 3, biased variance 8/3, unbiased 4. Column 1: mean 12, biased 8, unbiased 12.
        Tensor mean = bn.buffers().get("bn.running_mean"), var = bn.buffers().get("bn.running_var");
        assertArrayEquals(new float[] {0.3f, 1.2f}, mean.toArray(), 1e-6f);
        assertArrayEquals(new float[] {0.9f + 0.4f, 0.9f + 1.2f}, var.toArray(), 1e-6f);
        assertEquals(-2 / Math.sqrt(8.0 / 3 + BatchNorm.EPS), yTrain.get(0, 0), 1e-5);
        Tensor yEval = bn.forward(Variable.constant(x), false).value();
        assertEquals((1 - 0.3) / Math.sqrt(1.3 + BatchNorm.EPS), yEval.get(0, 0), 1e-5);
        assertEquals((16 - 1.2) / Math.sqrt(2.1 + BatchNorm.EPS), yEval.get(2, 1), 1e-4);
        assertThrows(IllegalArgumentException.class, () -> bn.forward(Variable.constant(normal(1, 2)), true));
    }

    private static void assertClose(Tensor expected, Tensor actual, double tol) {
        assertArrayEquals(expected.shape(), actual.shape());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), tol * Math.max(1, Math.abs(expected.get(i))), "entry " + i);
        }
    }
}
