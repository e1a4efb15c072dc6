package org.jcontrast.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

class OptimizerTest {
    private static final double[] W0 = {0.5, -1.5, 2.0};
    /** Fixed gradients of three steps. */
    private static final double[][] G = {{0.2, -0.4, 1.0}, {-0.1, 0.3, 0.5}, {0.05, 0.05, -0.2}};
    private static final double LR = 0.1;

    private static Parameter param(String name, boolean decay) {
        float[] w = new float[W0.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) W0[i];
        }
        return new Parameter(name, Tensor.wrap(w, w.length), decay);
    }

    /** Leaves {@code g} on {@code p} as a backward pass would. */
    private static void backward(Parameter p, double... g) {
        float[] f = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            f[i] = (float) g[i];
        }
        p.variable().backward(Tensor.wrap(f, f.length));
    }

    /** Runs the three steps of G, at learning rate LR, on a decaying and a non-decaying copy of W0. */
    private static float[][] run(Function<List<Parameter>, Optimizer> make) {
        Parameter a = param("a", true), b = param("b", false);
        Optimizer opt = make.apply(List.of(a, b));
        for (double[] g : G) {
            backward(a, g);
            backward(b, g);
            assertEquals(LR, opt.step(), 0.0);
            assertEquals(null, a.grad(), "a step consumes the gradients");
        }
        assertEquals(3, opt.steps());
        return new float[][] {a.value().toArray(), b.value().toArray()};
    }

    private static void assertClose(double[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, Math.abs(expected[i])), "element " + i);
        }
    }

    /** PyTorch's SGD written out in double. */
    private static double[] sgdReference(double mu, double wd, boolean nesterov) {
        double[] w = W0.clone(), buf = new double[w.length];
        for (double[] g : G) {
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + wd * w[i];
                buf[i] = mu * buf[i] + gi;
                w[i] -= LR * (nesterov ? gi + mu * buf[i] : buf[i]);
            }
        }
        return w;
    }

    @Test
    void sgdMatchesHandComputedSteps() {
        float[][] plain = run(ps -> Sgd.builder(ps).learningRate(LR).momentum(0.9).weightDecay(0.01).build());
        assertClose(sgdReference(0.9, 0.01, false), plain[0]);
        assertClose(sgdReference(0.9, 0.0, false), plain[1]);
        float[][] nesterov = run(ps -> Sgd.builder(ps).learningRate(LR).momentum(0.9).weightDecay(0.01).nesterov(true)
                .build());
        assertClose(sgdReference(0.9, 0.01, true), nesterov[0]);
        // First step by hand: w = 0.5 − 0.1·(0.2 + 0.01·0.5) = 0.4795 for both variants' buffers.
        Parameter p = param("p", true);
        backward(p, 0.2, 0, 0);
        Sgd.builder(List.of(p)).learningRate(LR).momentum(0.9).weightDecay(0.01).build().step();
        assertEquals(0.4795, p.value().get(0), 1e-7);
    }

    @Test
    void larsScalesEachTensorByItsTrustRatio() {
        double mu = 0.9, wd = 0.01, eta = 0.001;
        float[][] out = run(ps -> Lars.builder(ps).learningRate(LR).momentum(mu).weightDecay(wd).trustCoefficient(eta)
                .build());
        double[] w = W0.clone(), v = new double[3];
        for (double[] g : G) {
            double wn = 0, gn = 0;
            double[] gd = new double[3];
            for (int i = 0; i < 3; i++) {
                gd[i] = g[i] + wd * w[i];
                wn += w[i] * w[i];
                gn += gd[i] * gd[i];
            }
            double lr = LR * eta * Math.sqrt(wn) / Math.sqrt(gn);
            for (int i = 0; i < 3; i++) {
                v[i] = mu * v[i] + lr * gd[i];
                w[i] -= v[i];
            }
        }
        assertClose(w, out[0]);
        assertClose(sgdReference(mu, 0, false), out[1]); // excluded: plain momentum SGD, no decay
    }

    @Test
    void adamWMatchesHandComputedSteps() {
        double b1 = 0.9, b2 = 0.999, eps = 1e-8, wd = 0.1;
        float[][] out = run(ps -> AdamW.builder(ps).learningRate(LR).betas(b1, b2).epsilon(eps).weightDecay(wd).build());
        for (int which = 0; which < 2; which++) {
            double decay = which == 0 ? wd : 0;
            double[] w = W0.clone(), m = new double[3], v = new double[3];
            for (int t = 1; t <= G.length; t++) {
                for (int i = 0; i < 3; i++) {
                    double g = G[t - 1][i];
                    w[i] *= 1 - LR * decay;
                    m[i] = b1 * m[i] + (1 - b1) * g;
                    v[i] = b2 * v[i] + (1 - b2) * g * g;
                    double mHat = m[i] / (1 - Math.pow(b1, t)), vHat = v[i] / (1 - Math.pow(b2, t));
                    w[i] -= LR * mHat / (Math.sqrt(vHat) + eps);
                }
            }
            assertClose(w, out[which]);
        }
    }

    /** f(w) = ½ Σ a_i (w_i − c_i)², minimum at c. */
    private static double[] minimise(Function<List<Parameter>, Optimizer> make, int steps) {
        double[] a = {0.5, 1, 2, 4}, c = {3, -2, 1, 0.5};
        Parameter p = new Parameter("w", Tensor.zeros(4), true);
        p.value().fill(0.1f);
        Optimizer opt = make.apply(List.of(p));
        for (int s = 0; s < steps; s++) {
            double[] g = new double[4];
            for (int i = 0; i < 4; i++) {
                g[i] = a[i] * (p.value().get(i) - c[i]);
            }
            backward(p, g);
            opt.step();
        }
        double[] err = new double[4];
        for (int i = 0; i < 4; i++) {
            err[i] = Math.abs(p.value().get(i) - c[i]);
        }
        return err;
    }

    @Test
    void everyOptimiserConvergesOnAQuadratic() {
        for (double e : minimise(ps -> Sgd.builder(ps).learningRate(0.1).momentum(0.9).nesterov(true).build(), 300)) {
            assertTrue(e < 1e-3, "SGD error " + e);
        }
        for (double e : minimise(ps -> AdamW.builder(ps).schedule(LearningRateSchedule.warmupCosine(0.1, 10, 600, 0))
                .build(), 600)) {
            assertTrue(e < 1e-2, "AdamW error " + e);
        }
        for (double e : minimise(ps -> Lars.builder(ps).schedule(LearningRateSchedule.warmupCosine(5, 10, 2000, 0))
                .build(), 2000)) {
            assertTrue(e < 2e-2, "LARS error " + e);
        }
    }

    @Test
    void stateRestoredIntoAFreshOptimiserResumesExactly() {
        Parameter p = param("p", true);
        Optimizer opt = AdamW.builder(List.of(p)).learningRate(LR).weightDecay(0.01).build();
        Parameter q = param("p", true);
        Optimizer resumed = AdamW.builder(List.of(q)).learningRate(LR).weightDecay(0.01).build();
        assertEquals(opt.state().keySet(), resumed.state().keySet());
        for (int s = 0; s < 4; s++) {
            if (s == 2) {
                q.value().copyFrom(p.value());
                for (Map.Entry<String, Tensor> e : opt.state().entrySet()) {
                    resumed.state().get(e.getKey()).copyFrom(e.getValue());
                }
            }
            backward(p, G[s % 3]);
            backward(q, G[s % 3]);
            opt.step();
            resumed.step();
        }
        assertEquals(4, opt.steps());
        assertEquals(4, resumed.steps());
        assertArrayEquals(p.value().toArray(), q.value().toArray());
    }

    @Test
    void badGradientsAndSettingsAreReported() {
        Parameter p = param("encoder.weight", true);
        backward(p, 0, Double.NaN, 0);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Sgd.builder(List.of(p)).learningRate(0.1).momentum(0.9).build().step());
        assertTrue(e.getMessage().contains("encoder.weight"), e.getMessage());
        assertEquals(0.5f, p.value().get(0), "no parameter moved");
        assertThrows(IllegalArgumentException.class,
                () -> Sgd.builder(List.of(param("x", true), param("x", true))).learningRate(0.1).build());
        assertThrows(IllegalArgumentException.class,
                () -> AdamW.builder(List.of(param("x", true))).learningRate(0.1).betas(1.0, 0.9).build());
        assertThrows(IllegalArgumentException.class, () -> Parameter.valuesByName(List.of(p, p)));
        Parameter bias = new Parameter("encoder.bias", Tensor.zeros(3), false);
        assertEquals(List.of("encoder.weight", "encoder.bias"),
                List.copyOf(Parameter.valuesByName(List.of(p, bias)).keySet()));
        assertEquals(bias.value(), Parameter.valuesByName(List.of(p, bias)).get("encoder.bias"));
    }

    @Test
    void theLearningRateCannotBeForgottenOrMisreadAndAStepNeedsABackwardPass() {
        Parameter p = param("w", true);
        IllegalStateException missing = assertThrows(IllegalStateException.class,
                () -> AdamW.builder(List.of(p)).weightDecay(0.01).build());
        assertEquals("AdamW: set a learningRate(..) or a schedule(..) before build()", missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sgd.builder(List.of(p)).learningRate(-1));
        assertThrows(IllegalArgumentException.class, () -> Lars.builder(List.of(p)).weightDecay(Double.NaN));
        Optimizer opt = Sgd.builder(List.of(p)).learningRate(0.1).build();
        IllegalStateException noGradient = assertThrows(IllegalStateException.class, opt::step);
        assertTrue(noGradient.getMessage().contains("call backward() on the loss first"), noGradient.getMessage());
        backward(p, 1, 1, 1);
        opt.step();
        assertThrows(IllegalStateException.class, opt::step, "the gradient was consumed: no second step on it");
        assertArrayEquals(new float[] {0.4f, -1.6f, 1.9f}, p.value().toArray(), 1e-6f);
    }

    @Test
    void backwardPassesBeforeOneStepAccumulate() {
        Parameter a = param("a", true), b = param("b", true);
        backward(a, 1, 2, 3);
        backward(a, 1, 2, 3);
        backward(b, 2, 4, 6);
        Optimizer sgd = Sgd.builder(List.of(a, b)).learningRate(0.1).build();
        sgd.step();
        assertArrayEquals(b.value().toArray(), a.value().toArray(), "two passes add up as one of twice the gradient");
    }

    @Test
    void warmupCosineScheduleHitsItsLandmarks() {
        LearningRateSchedule s = LearningRateSchedule.warmupCosine(1.0, 10, 110, 0.1);
        assertEquals(0.1, s.at(0), 1e-12, "first warm-up step: peak / warm-up");
        assertEquals(0.5, s.at(4), 1e-12);
        assertEquals(1.0, s.at(10), 1e-12, "peak right after the warm-up");
        assertEquals(0.55, s.at(60), 1e-12, "half-way down the cosine: the mean of peak and final");
        assertEquals(0.1 + 0.45 * (1 + Math.cos(Math.PI * 0.25)), s.at(35), 1e-12);
        assertEquals(0.1, s.at(110), 1e-12);
        assertEquals(0.1, s.at(500), 1e-12);
        assertEquals(0.0, LearningRateSchedule.warmupCosine(2.0, 0, 0, 0).at(0), 1e-12,
                "no steps to decay over: the final rate at once");
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.warmupCosine(1, 10, 5, 0));
    }
}
