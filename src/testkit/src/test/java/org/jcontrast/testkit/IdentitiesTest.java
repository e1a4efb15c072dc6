package org.jcontrast.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jcontrast.autograd.Arithmetic;
import org.jcontrast.autograd.Indexing;
import org.jcontrast.autograd.Reductions;
import org.jcontrast.autograd.Softmax;
import org.jcontrast.autograd.Variable;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.Losses;
import org.jcontrast.loss.NtXent;
import org.jcontrast.metrics.Metrics;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** Each identity holds where it should and fails, naming where, where it should not. */
class IdentitiesTest {
    private static final double TAU = 0.4;

    /** NT-Xent written on the 2N×2N similarities, row a feeding anchor a only; DCL without the positive. */
    private static Identities.SimilarityLoss softmaxLoss(int n, boolean positiveInDenominator) {
        return s -> {
            Tensor self = Tensor.zeros(2 * n, 2 * n), pos = Tensor.zeros(2 * n, 2 * n);
            int[] positive = new int[2 * n];
            for (int a = 0; a < 2 * n; a++) {
                self.set(a, a, 1f);
                positive[a] = a < n ? a + n : a - n;
                pos.set(a, positive[a], 1f);
            }
            Variable logits = Arithmetic.scale(s, (float) (1 / TAU));
            Variable denominator = Indexing.maskedFill(logits, self, Float.NEGATIVE_INFINITY);
            if (!positiveInDenominator) {
                denominator = Indexing.maskedFill(denominator, pos, Float.NEGATIVE_INFINITY);
            }
            Variable perAnchor = Arithmetic.sub(Softmax.logSumExpRows(denominator), Indexing.pick(logits, positive));
            return Reductions.mean(perAnchor);
        };
    }

    private static Tensor similarities(Embeddings.Views v) {
        double[][] s = Similarities.cosine(v.z1(), v.z2());
        Tensor t = Tensor.zeros(s.length, s.length);
        for (int i = 0; i < s.length; i++) {
            for (int j = 0; j < s.length; j++) {
                t.set(i, j, (float) s[i][j]);
            }
        }
        return t;
    }

    @Test
    void balanceAndDecouplingOnLossesWrittenOnSimilarities() {
        Property.forAll("balance, no NPC multiplier", 30, g -> {
            Embeddings.Views v = Embeddings.views().rows(2, 6).draw(g);
            int n = v.n();
            Tensor nt = Identities.similarityGradient(softmaxLoss(n, true), similarities(v));
            Tensor dcl = Identities.similarityGradient(softmaxLoss(n, false), similarities(v));
            Identities.gradientBalance(nt, n);
            Identities.gradientBalance(dcl, n);
            Identities.noCouplingMultiplier(dcl, n, TAU);
            assertThrows(AssertionError.class, () -> Identities.noCouplingMultiplier(nt, n, TAU));
            Tensor unbalanced = nt.copy();
            unbalanced.set(0, n, unbalanced.get(0, n) * 1.01f);
            AssertionError e = assertThrows(AssertionError.class, () -> Identities.gradientBalance(unbalanced, n));
            assertTrue(e.getMessage().contains("anchor 0"), e.getMessage());
        });
    }

    @Test
    void relativePenaltiesOfTheMetricsMeetTheirLimitsAndAFlatOneDoesNot() {
        Property.forAll("relative penalties", 30, g -> {
            Embeddings.Views v = Embeddings.views().rows(2, 6).draw(g);
            Identities.relativePenaltyLimits(Metrics::relativePenalties, v.z1(), v.z2());
        });
        Embeddings.Views v = Embeddings.views().rows(4, 4).width(3, 3).draw(Gen.of(1));
        // Penalties that never sharpen: the τ → 0 limit fails.
        assertThrows(AssertionError.class, () -> Identities.relativePenaltyLimits(
                (z1, z2, tau) -> Metrics.relativePenalties(z1, z2, 1e4), v.z1(), v.z2()));
    }

    @Test
    void infoNceBoundHoldsForNtXentWhereThePositivesLead() {
        Loss nt = Losses.create(new NtXent(0.2));
        int[] inRegion = {0};
        Property.forAll("InfoNCE bound", 30, g -> {
            Embeddings.Views v = Embeddings.views().nearDuplicateViews(0.05).draw(g);
            inRegion[0] += Identities.infoNceBound(nt, BatchInputs.none(), v.z1(), v.z2()) ? 1 : 0;
        });
        assertTrue(inRegion[0] >= 25, "near-duplicate views lie in the region: " + inRegion[0]);
        // A "loss" above log(2N − 1) although the positives lead.
        Embeddings.Views v = Embeddings.views().rows(4, 4).nearDuplicateViews(0.01).draw(Gen.of(2));
        Loss tooLarge = (z1, z2, b) -> new LossResult(10, z1, z2);
        assertThrows(AssertionError.class, () -> Identities.infoNceBound(tooLarge, BatchInputs.none(), v.z1(), v.z2()));
        // Views unrelated to each other: some negative leads its positive, outside the region.
        assertFalse(Identities.infoNceBound(nt, BatchInputs.none(), v.z1(), Gen.of(3).normal(4, v.d(), 1)));
    }

    @Test
    void symmetriesHoldForNtXentAndFailForAPositionDependentLoss() {
        Loss nt = Losses.create(new NtXent(0.5));
        // Weighting row 0's gradient differently breaks both symmetries.
        Loss lopsided = (z1, z2, b) -> {
            LossResult r = nt.compute(z1, z2, b);
            Tensor g1 = r.grad1().copy();
            for (int j = 0; j < g1.dim(1); j++) {
                g1.set(0, j, 2 * g1.get(0, j));
            }
            return new LossResult(r.loss(), g1, r.grad2());
        };
        Property.forAll("swap and permutation", 30, g -> {
            Embeddings.Views v = Embeddings.views().rows(3, 6).draw(g);
            Identities.viewSwapSymmetry(nt, BatchInputs.none(), v.z1(), v.z2());
            Identities.permutationInvariance(nt, BatchInputs.none(), v.z1(), v.z2(), g.permutation(v.n()));
            assertThrows(AssertionError.class,
                    () -> Identities.viewSwapSymmetry(lopsided, BatchInputs.none(), v.z1(), v.z2()));
            int[] rotate = new int[v.n()];
            for (int i = 0; i < rotate.length; i++) {
                rotate[i] = (i + 1) % rotate.length;
            }
            assertThrows(AssertionError.class,
                    () -> Identities.permutationInvariance(lopsided, BatchInputs.none(), v.z1(), v.z2(), rotate));
        });
    }
}
