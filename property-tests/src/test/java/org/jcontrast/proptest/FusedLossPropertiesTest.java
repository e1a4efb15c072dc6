package org.jcontrast.proptest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jcontrast.internal.loss.AnchorRows;
import org.jcontrast.internal.loss.AnchorRule;
import org.jcontrast.internal.loss.ComposedLosses;
import org.jcontrast.internal.loss.FusedLosses;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testkit.Embeddings;
import org.jcontrast.testkit.Gen;
import org.jcontrast.testkit.GradReport;
import org.jcontrast.testkit.Identities;
import org.jcontrast.testkit.Property;
import org.jcontrast.testkit.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * The fused losses against the composed autograd losses and the float64 reference under random
 * options ({@link LossCases}), and the identities and limits of the papers: Wang &amp; Liu's
 * gradient balance, DCL's missing coupling multiplier, the relative penalties' limits in τ, the
 * InfoNCE bound, DCL below NT-Xent, hard = NT-Xent when every negative is kept, symmetry under
 * swapping the views, and invariance under rotations, row scaling and permutations of the batch
 * (the identities from the test kit's {@link Identities}).
 */
class FusedLossPropertiesTest {

    /** Float32 against float32 or float64: ~1e-6 of the loss; gradients ~1e-5 of the largest entry (at least 0.1). */
    private static final double VALUE_TOL = ReferenceChecks.VALUE_TOL;
    private static final Tolerance GRADIENTS = ReferenceChecks.GRADIENTS;

    /** {@code kind} (a random one when null) with random options, on random inputs safe for it. */
    private static LossCases.Case batch(Gen g, LossKind kind) {
        return LossCases.draw(g, kind, 6, 4);
    }

    @Test
    void fusedEqualsComposedForEveryLoss() {
        for (LossKind kind : LossKind.values()) {
            Property.forAll("fused = composed, " + kind.cliName(), 15, g -> {
                LossCases.Case b = batch(g, kind);
                LossResult fused = FusedLosses.create(b.spec()).compute(b.z1(), b.z2());
                LossResult composed = ComposedLosses.create(b.spec()).compute(b.z1(), b.z2());
                assertSame(b.spec() + " N=" + b.n() + " d=" + b.d(), composed, fused);
            });
        }
    }

    @Test
    void fusedEqualsTheReferenceUnderRandomOptions() {
        Property.forAll("fused = reference", 100, g -> {
            LossCases.Case b = batch(g, null);
            ReferenceChecks.assertMatchesReference(b.spec() + " N=" + b.n() + " d=" + b.d(),
                    FusedLosses.create(b.spec()), b.z1(), b.z2());
        });
    }

    @Test
    void wangAndLiuGradientBalancePerAnchor() {
        // |∂L/∂s_{a,p}| = Σ_{b≠a,p} |∂L/∂s_ab| for ntxent, hard, simple and hardsimple with λ = 1/(number
        // summed), and dcl: each anchor's positive pull equals its total negative push.
        LossKind[] kinds = {LossKind.NTXENT, LossKind.HARD, LossKind.SIMPLE, LossKind.HARDSIMPLE, LossKind.DCL};
        Property.forAll("gradient balance", 60, g -> {
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
            Identities.gradientBalance(anchorGradients(spec, b), b.n());
        });
    }

    @Test
    void dclHasNoCouplingMultiplierAndNtXentHasOne() {
        Property.forAll("DCL: no NPC multiplier", 40, g -> {
            double tau = Embeddings.temperature(g);
            LossCases.Case b = LossCases.views(g, LossOptions.of(LossKind.DCL).withTemperature(tau), g.size(2, 6),
                    g.size(2, 4));
            Identities.noCouplingMultiplier(anchorGradients(b.spec(), b), b.n(), tau);
            LossOptions nt = LossOptions.of(LossKind.NTXENT).withTemperature(tau);
            assertThrows(AssertionError.class, () -> Identities.noCouplingMultiplier(anchorGradients(nt, b), b.n(), tau),
                    "NT-Xent's pull carries the multiplier 1 − p_ap < 1");
        });
    }

    /** ∂L/∂s in the anchor-row layout, from the fused kernels' per-anchor rows. */
    private static Tensor anchorGradients(LossOptions spec, LossCases.Case b) {
        Tensor rows = Ops.gram(Ops.normalizeRows(stack(b.z1(), b.z2()), spec.eps()));
        AnchorRows.apply(AnchorRule.of(spec, b.n(), 0, null), rows);
        return rows;
    }

    @Test
    void relativePenaltiesSumToOneAndTheirLimitsInTau() {
        Property.forAll("relative penalties", 40, g -> {
            Embeddings.Views v = Embeddings.views().rows(2, 8).width(2, 6).draw(g);
            Identities.relativePenaltyLimits(Metrics::relativePenalties, v.z1(), v.z2());
        });
    }

    @Test
    void theInfoNceBoundHoldsWhereThePositivesLead() {
        int[] inRegion = {0};
        Property.forAll("InfoNCE bound", 40, g -> {
            Embeddings.Views v = Embeddings.views().rows(2, 8).width(2, 6).nearDuplicateViews(g.doubleIn(0, 0.5)).draw(g);
            double tau = g.doubleIn(0.05, 2);
            inRegion[0] += Identities.infoNceBound(fused(LossOptions.of(LossKind.NTXENT).withTemperature(tau)),
                    BatchInputs.none(), v.z1(), v.z2()) ? 1 : 0;
        });
        assertTrue(inRegion[0] >= 10, "near-duplicate views put most batches in the bound's region: " + inRegion[0]);
    }

    @Test
    void symmetricUnderSwappingTheViews() {
        // InfoNCE (queries against a bank) is left out: its views play different parts.
        LossKind[] kinds = {LossKind.NTXENT, LossKind.DCL, LossKind.DCLW, LossKind.HARD, LossKind.SIMPLE,
                LossKind.HARDSIMPLE, LossKind.SUPCON, LossKind.CLIP};
        Property.forAll("view swap", 60, g -> {
            LossCases.Case b = batch(g, g.oneOf(kinds));
            Identities.viewSwapSymmetry(fused(b.spec()), BatchInputs.none(), b.z1(), b.z2(), GRADIENTS);
        });
    }

    @Test
    void largeTauScaledGradientIsTheSimpleLosssUpToAPositiveFactor() {
        Property.forAll("τ → ∞ gives L_simple", 40, g -> {
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
            Tolerance partsInTau = new Tolerance(5 / tau, 1, GRADIENTS.absoluteFloor() / tau);
            GradReport.compare("τ → ∞", partsInTau, List.of(GradReport.Input.of("grad1", nt.grad1(), expect1),
                    GradReport.Input.of("grad2", nt.grad2(), expect2))).orThrow();
        });
    }

    @Test
    void dclIsBelowNtXentAndHardWithEveryNegativeIsNtXent() {
        Property.forAll("dcl < ntxent; hard(all) = ntxent", 60, g -> {
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
        Property.forAll("identical rows", 30, g -> {
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
        Property.forAll("rotation invariance", 60, g -> {
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
        Property.forAll("row scaling invariance", 60, g -> {
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
        Property.forAll("permutation equivariance", 60, g -> {
            LossCases.Case b = batch(g, null);
            LossOptions spec = b.spec();
            BatchInputs batch = spec.kind() == LossKind.SUPCON ? BatchInputs.labels(spec.labels()) : BatchInputs.none();
            Loss loss = (z1, z2, in) -> FusedLosses.create(in.labels() == null ? spec : spec.withLabels(in.labels()))
                    .compute(z1, z2);
            Identities.permutationInvariance(loss, batch, b.z1(), b.z2(), g.permutation(b.n()), GRADIENTS);
        });
    }

    /** The fused implementation of {@code spec} as a {@link Loss} (its batch inputs are in the spec). */
    private static Loss fused(LossOptions spec) {
        return (z1, z2, batch) -> FusedLosses.create(spec).compute(z1, z2);
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
        ReferenceChecks.assertSameResult(what, expected, got, VALUE_TOL, GRADIENTS);
    }
}
