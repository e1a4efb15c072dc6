package org.jcontrast.proptest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcontrast.internal.loss.AnchorRows;
import org.jcontrast.internal.loss.AnchorRule;
import org.jcontrast.internal.loss.ComposedLosses;
import org.jcontrast.internal.loss.FusedLosses;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.GradientCheck;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/**
 * The fused losses against the composed autograd losses and the float64 reference under random
 * options ({@link LossCases}), and the identities and limits of the papers: Wang &amp; Liu's
 * gradient balance, the relative penalties' limits in τ,
 * DCL below NT-Xent, hard = NT-Xent when every negative is kept, and invariance under rotations,
 * row scaling and permutations of the batch.
 */
class FusedLossPropertiesTest {

    /** Float32 against float32 or float64: ~1e-6 of the loss; gradients ~1e-5 of the largest entry (at least 0.1). */
    private static final double VALUE_TOL = 1e-5;
    private static final double GRAD_TOL = 2e-4;
    private static final double GRAD_FLOOR = 0.1;

    /** {@code kind} (a random one when null) with random options, on random inputs safe for it. */
    private static LossCases.Case batch(Gen g, LossKind kind) {
        return LossCases.draw(g, kind, 6, 4);
    }

    @Test
    void fusedEqualsComposedForEveryLoss() {
        for (LossKind kind : LossKind.values()) {
            Prop.forAll("fused = composed, " + kind.cliName(), 15, g -> {
                LossCases.Case b = batch(g, kind);
                LossResult fused = FusedLosses.create(b.spec()).compute(b.z1(), b.z2());
                LossResult composed = ComposedLosses.create(b.spec()).compute(b.z1(), b.z2());
                assertSame(b.spec() + " N=" + b.n() + " d=" + b.d(), composed, fused);
            });
        }
    }

    @Test
    void fusedEqualsTheReferenceUnderRandomOptions() {
        Prop.forAll("fused = reference", 100, g -> {
            LossCases.Case b = batch(g, null);
            LossResult got = FusedLosses.create(b.spec()).compute(b.z1(), b.z2());
            double[] x1 = b.z1().toDoubleArray(), x2 = b.z2().toDoubleArray();
            double ref = ReferenceLosses64.loss(b.spec(), x1, x2, b.n(), b.d());
            String what = b.spec() + " N=" + b.n() + " d=" + b.d();
            assertEquals(ref, got.loss(), VALUE_TOL * Math.max(1, Math.abs(ref)), what + ": loss");
            double[][] fd = ReferenceLosses64.gradient(b.spec(), x1, x2, b.n(), b.d(), 1e-6);
            double scale = Math.max(GRAD_FLOOR, Math.max(maxAbs(fd[0]), maxAbs(fd[1])));
            GradientCheck.assertClose(what + ": grad1", fd[0], got.grad1(), GRAD_TOL, scale);
            GradientCheck.assertClose(what + ": grad2", fd[1], got.grad2(), GRAD_TOL, scale);
            if (b.spec().kind() == LossKind.CLIP) {
                assertEquals(fd[2][0], got.gradLogitScale(), GRAD_TOL * Math.max(1, Math.abs(fd[2][0])), "d/dt");
            }
        });
    }

    @Test
    void wangAndLiuGradientBalancePerAnchor() {
        // |∂L/∂s_{a,p}| = Σ_{b≠a,p} |∂L/∂s_ab| for ntxent, hard, simple and hardsimple with λ = 1/(number
        // summed), and dcl: each anchor's positive pull equals its total negative push.
        LossKind[] kinds = {LossKind.NTXENT, LossKind.HARD, LossKind.SIMPLE, LossKind.HARDSIMPLE, LossKind.DCL};
        Prop.forAll("gradient balance", 60, g -> {
            LossKind kind = kinds[g.intIn(0, kinds.length - 1)];
            LossOptions spec = LossOptions.of(kind);
            if (kind.selectsNegatives()) {
                spec = (g.bool() ? spec.withTopK(g.intIn(1, 12)) : spec.withQuantile(g.doubleIn(0.05, 1)))
                        .withNegativeSet(g.bool() ? NegativeSet.ALL : NegativeSet.CROSS);
            } else if (kind == LossKind.SIMPLE && g.bool()) {
                spec = spec.withNegativeSet(NegativeSet.CROSS);
            }
            if (kind.usesTemperature()) {
                spec = spec.withTemperature(g.doubleIn(0.05, 2));
            }
            LossCases.Case b = LossCases.views(g, spec, g.size(2, 6), g.size(2, 4));
            int n = b.n();
            Tensor rows = Ops.gram(Ops.normalizeRows(stack(b.z1(), b.z2()), spec.eps()));
            AnchorRows.apply(AnchorRule.of(spec, n, 0, null), rows);
            // The positive entry is c·β·σ − c·β: when σ is near 1 its error is float32 rounding of c·β.
            double termScale = (kind.usesTemperature() ? 1 / spec.temperature() : 1) / (2 * n);
            for (int a = 0; a < 2 * n; a++) {
                int p = a < n ? a + n : a - n;
                double push = 0;
                for (int c = 0; c < 2 * n; c++) {
                    push += c == a || c == p ? 0 : Math.abs(rows.get(a, c));
                }
                double pull = Math.abs(rows.get(a, p));
                assertEquals(pull, push, 1e-5 * pull + 1e-6 * termScale, spec + " anchor " + a);
            }
        });
    }

    @Test
    void relativePenaltiesSumToOneAndTheirLimitsInTau() {
        Prop.forAll("relative penalties", 40, g -> {
            int n = g.size(2, 8), d = g.size(2, 6);
            Tensor z1 = g.normal(n, d, 1), z2 = g.normal(n, d, 1);
            int negatives = 2 * n - 2;
            Tensor r = Metrics.relativePenalties(z1, z2, g.doubleIn(0.02, 3));
            Tensor cold = Metrics.relativePenalties(z1, z2, 1e-4);
            double hot = 1e3;
            Tensor warm = Metrics.relativePenalties(z1, z2, hot);
            Tensor s = Ops.gram(Ops.normalizeRows(stack(z1, z2), 1e-12f));
            for (int a = 0; a < 2 * n; a++) {
                int p = a < n ? a + n : a - n;
                double sum = 0;
                int hardest = -1;
                double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
                for (int b = 0; b < 2 * n; b++) {
                    sum += r.get(a, b);
                    if (b == a || b == p) {
                        continue;
                    }
                    assertEquals(1.0 / negatives, warm.get(a, b), 3.0 / hot / negatives, "τ → ∞: uniform");
                    double v = s.get(a, b);
                    if (v > best) {
                        second = best;
                        best = v;
                        hardest = b;
                    } else if (v > second) {
                        second = v;
                    }
                }
                assertEquals(1, sum, 1e-5, "row " + a + " sums to 1");
                if (best - second > 1e-2) {
                    assertEquals(1, cold.get(a, hardest), 1e-6, "τ → 0: all on the hardest negative");
                }
            }
        });
    }

    @Test
    void largeTauScaledGradientIsTheSimpleLosssUpToAPositiveFactor() {
        Prop.forAll("τ → ∞ gives L_simple", 40, g -> {
            LossCases.Case b = batch(g, LossKind.NTXENT);
            int n = b.n();
            double tau = 1e3;
            LossResult nt = FusedLosses.create(LossOptions.of(LossKind.NTXENT).withTemperature(tau))
                    .compute(b.z1(), b.z2());
            LossResult simple = FusedLosses.create(LossOptions.of(LossKind.SIMPLE).withLambda(1.0 / (2 * n - 2)))
                    .compute(b.z1(), b.z2());
            double factor = (2 * n - 2.0) / (2 * n - 1);
            double[] expect1 = simple.grad1().toDoubleArray(), expect2 = simple.grad2().toDoubleArray();
            for (int i = 0; i < expect1.length; i++) {
                expect1[i] *= factor / tau;
                expect2[i] *= factor / tau;
            }
            // σ_b = (1 + O(1/τ)) / (2N − 1): the gradients differ by a few parts in τ of their scale.
            double scale = Math.max(maxAbs(expect1), maxAbs(expect2));
            GradientCheck.assertClose("grad1", expect1, nt.grad1(), 5 / tau, Math.max(scale, GRAD_FLOOR / tau));
            GradientCheck.assertClose("grad2", expect2, nt.grad2(), 5 / tau, Math.max(scale, GRAD_FLOOR / tau));
        });
    }

    @Test
    void dclIsBelowNtXentAndHardWithEveryNegativeIsNtXent() {
        Prop.forAll("dcl < ntxent; hard(all) = ntxent", 60, g -> {
            LossCases.Case b = batch(g, LossKind.NTXENT);
            double tau = g.doubleIn(0.05, 2);
            LossResult nt = FusedLosses.create(LossOptions.of(LossKind.NTXENT).withTemperature(tau))
                    .compute(b.z1(), b.z2());
            double dcl = FusedLosses.create(LossOptions.of(LossKind.DCL).withTemperature(tau)).compute(b.z1(), b.z2())
                    .loss();
            assertTrue(dcl < nt.loss(), "dcl " + dcl + " < ntxent " + nt.loss());
            LossOptions hard = g.bool() ? LossOptions.of(LossKind.HARD).withTopK(g.intIn(2 * b.n() - 2, 4 * b.n()))
                    : LossOptions.of(LossKind.HARD).withQuantile(1);
            LossResult h = FusedLosses.create(hard.withTemperature(tau)).compute(b.z1(), b.z2());
            // Keeping every candidate skips the selection: the same arithmetic, so the same bits.
            assertEquals(nt.loss(), h.loss(), 0.0, hard + ": loss");
            assertArrayEquals(nt.grad1().toArray(), h.grad1().toArray(), hard + ": grad1");
            assertArrayEquals(nt.grad2().toArray(), h.grad2().toArray(), hard + ": grad2");
        });
    }

    @Test
    void identicalRowsGiveLogOfTwoNMinusOne() {
        Prop.forAll("identical rows", 30, g -> {
            int n = g.size(2, 30), d = g.size(1, 8);
            Tensor row = g.normal(1, d, g.doubleIn(0.1, 10));
            Tensor z = Tensor.zeros(n, d);
            for (int i = 0; i < n; i++) {
                z.row(i).copyFrom(row.row(0));
            }
            double tau = g.doubleIn(0.05, 2);
            double loss = FusedLosses.create(LossOptions.of(LossKind.NTXENT).withTemperature(tau)).compute(z, z.copy())
                    .loss();
            assertEquals(Math.log(2 * n - 1), loss, 1e-5 * Math.log(2 * n - 1));
        });
    }

    @Test
    void invariantUnderARotationOfTheEmbeddingSpace() {
        Prop.forAll("rotation invariance", 60, g -> {
            LossCases.Case b = batch(g, null);
            Tensor q = orthogonal(g, b.d());
            LossOptions rotated = b.spec();
            if (b.spec().kind() == LossKind.INFONCE) {
                Tensor bank = b.spec().bank().snapshot();
                MemoryBank turned = new MemoryBank(bank.dim(0), b.d());
                turned.enqueue(Ops.matmul(bank, q));
                rotated = b.spec().withBank(turned);
            }
            LossResult before = FusedLosses.create(b.spec()).compute(b.z1(), b.z2());
            LossResult after = FusedLosses.create(rotated).compute(Ops.matmul(b.z1(), q), Ops.matmul(b.z2(), q));
            assertSame(b.spec() + " rotated", new LossResult(before.loss(), Ops.matmul(before.grad1(), q),
                    Ops.matmul(before.grad2(), q), before.gradLogitScale()), after);
        });
    }

    @Test
    void invariantUnderPositiveScalingOfRows() {
        Prop.forAll("row scaling invariance", 60, g -> {
            LossCases.Case b;
            do {
                b = batch(g, null); // rows said to be unit-norm, or below a large eps, are not scale-free
            } while (b.spec().normalizedInputs() || b.spec().zeroRowsAllowed());
            int n = b.n(), d = b.d();
            float[] alpha = new float[2 * n];
            Tensor s1 = b.z1().copy(), s2 = b.z2().copy();
            for (int i = 0; i < 2 * n; i++) {
                alpha[i] = (float) Math.exp(g.doubleIn(-2, 2));
                Tensor row = i < n ? s1.row(i) : s2.row(i - n);
                row.copyFrom(Ops.scale(row, alpha[i]));
            }
            LossResult before = FusedLosses.create(b.spec()).compute(b.z1(), b.z2());
            LossResult after = FusedLosses.create(b.spec()).compute(s1, s2);
            // Row i's gradient scales by 1/α_i: compare after scaling back, at the unscaled gradient's scale.
            Tensor back1 = after.grad1().copy(), back2 = after.grad2().copy();
            for (int i = 0; i < n; i++) {
                back1.row(i).copyFrom(Ops.scale(back1.row(i), alpha[i]));
                back2.row(i).copyFrom(Ops.scale(back2.row(i), alpha[n + i]));
            }
            assertSame(b.spec() + " scaled rows", before, new LossResult(after.loss(), back1, back2,
                    after.gradLogitScale()));
        });
    }

    @Test
    void equivariantUnderPermutingTheBatch() {
        Prop.forAll("permutation equivariance", 60, g -> {
            LossCases.Case b = batch(g, null);
            int n = b.n(), d = b.d();
            int[] perm = new int[n];
            for (int i = 0; i < n; i++) {
                int j = g.intIn(0, i);
                perm[i] = perm[j];
                perm[j] = i;
            }
            Tensor p1 = Tensor.zeros(n, d), p2 = Tensor.zeros(n, d);
            for (int i = 0; i < n; i++) {
                p1.row(i).copyFrom(b.z1().row(perm[i]));
                p2.row(i).copyFrom(b.z2().row(perm[i]));
            }
            LossOptions spec = b.spec();
            if (spec.kind() == LossKind.SUPCON) {
                int[] y = spec.labels(), py = new int[n];
                for (int i = 0; i < n; i++) {
                    py[i] = y[perm[i]];
                }
                spec = spec.withLabels(py);
            }
            LossResult before = FusedLosses.create(b.spec()).compute(b.z1(), b.z2());
            LossResult after = FusedLosses.create(spec).compute(p1, p2);
            Tensor e1 = Tensor.zeros(n, d), e2 = Tensor.zeros(n, d);
            for (int i = 0; i < n; i++) {
                e1.row(i).copyFrom(before.grad1().row(perm[i]));
                e2.row(i).copyFrom(before.grad2().row(perm[i]));
            }
            assertSame(spec + " permuted", new LossResult(before.loss(), e1, e2, before.gradLogitScale()), after);
        });
    }

    /** A random orthogonal d×d matrix: Gram–Schmidt on Gaussian columns, in float64. */
    private static Tensor orthogonal(Gen g, int d) {
        double[][] q = new double[d][d];
        for (int c = 0; c < d; c++) {
            double[] v = g.normal(1, d, 1).toDoubleArray();
            for (int k = 0; k < c; k++) {
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    dot += v[i] * q[k][i];
                }
                for (int i = 0; i < d; i++) {
                    v[i] -= dot * q[k][i];
                }
            }
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            for (int i = 0; i < d; i++) {
                q[c][i] = v[i] / Math.sqrt(norm);
            }
        }
        float[] out = new float[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                out[i * d + j] = (float) q[j][i];
            }
        }
        return Tensor.wrap(out, d, d);
    }

    private static Tensor stack(Tensor z1, Tensor z2) {
        int n = z1.dim(0), d = z1.dim(1);
        Tensor out = Tensor.zeros(2 * n, d);
        out.rows(0, n).copyFrom(z1);
        out.rows(n, 2 * n).copyFrom(z2);
        return out;
    }

    /** The same loss, gradients and logit-scale gradient within float32 rounding. */
    private static void assertSame(String what, LossResult expected, LossResult got) {
        assertEquals(expected.loss(), got.loss(), VALUE_TOL * Math.max(1, Math.abs(expected.loss())), what + ": loss");
        double[] e1 = expected.grad1().toDoubleArray(), e2 = expected.grad2().toDoubleArray();
        double scale = Math.max(GRAD_FLOOR, Math.max(maxAbs(e1), maxAbs(e2)));
        GradientCheck.assertClose(what + ": grad1", e1, got.grad1(), GRAD_TOL, scale);
        GradientCheck.assertClose(what + ": grad2", e2, got.grad2(), GRAD_TOL, scale);
        if (Double.isNaN(expected.gradLogitScale())) {
            assertTrue(Double.isNaN(got.gradLogitScale()), what + ": no logit scale");
        } else {
            assertEquals(expected.gradLogitScale(), got.gradLogitScale(),
                    GRAD_TOL * Math.max(1, Math.abs(expected.gradLogitScale())), what + ": d/dt");
        }
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
