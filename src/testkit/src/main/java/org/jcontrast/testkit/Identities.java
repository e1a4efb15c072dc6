package org.jcontrast.testkit;

import java.util.List;
import java.util.Locale;
import org.jcontrast.autograd.Variable;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;

/**
 * The identities and limits of the contrastive-loss papers as checks a user can point at their own
 * loss. Each throws an {@link AssertionError} naming the identity, the anchor or entry and the values
 * when it does not hold. Batches are two views of N rows; the 2N samples are [view 1 | view 2], and
 * anchor a's positive is a ± N.
 *
 * <p>The similarity-level identities take ∂L/∂s in the <em>anchor-row</em> layout: row a of the
 * 2N×2N matrix holds the gradient of anchor a's own term ℓ_a with respect to its similarities
 * s_a·. A loss written on a similarity matrix whose row a only feeds anchor a's term (logits
 * {@code s / τ} row by row, as NT-Xent is usually written) gets that layout from
 * {@link #similarityGradient}. Stateless and thread-safe.
 */
public final class Identities {
    /**
     * The default tolerance of the identities that compare two float32 computations of the same
     * gradients (view swap, permutation): 2e-4 of the row scale, rows at least a tenth of the
     * largest entry, since both sides round their terms at ~1e-6 of that.
     */
    public static final Tolerance FLOAT32_PAIR = new Tolerance(2e-4, 0.1, 1e-6);

    private Identities() {
    }

    /** A loss written on a similarity matrix: the loss (a scalar) from the 2N×2N similarities s. */
    @FunctionalInterface
    public interface SimilarityLoss {
        /**
         * The loss of {@code s}, built with autograd operations.
         *
         * @param s the 2N×2N similarities
         * @return the loss, a scalar
         */
        Variable apply(Variable s);
    }

    /** Relative penalties as {@code Metrics.relativePenalties(z1, z2, tau)} gives them: 2N×2N, rows over negatives. */
    @FunctionalInterface
    public interface Penalties {
        /**
         * The penalties of the two views at temperature {@code tau}.
         *
         * @param z1 view 1, [N, d]
         * @param z2 view 2, [N, d]
         * @param tau the temperature τ, positive
         * @return the 2N×2N penalties, each anchor's row over its negatives
         */
        Tensor at(Tensor z1, Tensor z2, double tau);
    }

    /**
     * ∂L/∂s of a loss written on similarities, by autograd, at the similarity matrix {@code s}.
     *
     * @param loss the loss on similarities
     * @param s the 2N×2N similarities
     * @return ∂L/∂s, 2N×2N
     */
    public static Tensor similarityGradient(SimilarityLoss loss, Tensor s) {
        Variable v = Variable.parameter("s", s.copy());
        loss.apply(v).backward();
        return v.grad() != null ? v.grad() : Tensor.zeros(s.shape());
    }

    /**
     * Wang &amp; Liu's gradient balance of softmax-family losses: for every anchor, the pull on its
     * positive equals the total push on its negatives, |∂L/∂s_ap| = Σ_{b≠a,p} |∂L/∂s_ab|, to 1e-4 of
     * the larger side (plus 1e-6 of the largest entry, for anchors whose gradient vanishes).
     *
     * @param dLds the 2N×2N gradient in the anchor-row layout
     * @param n    N, the rows of each view
     */
    public static void gradientBalance(Tensor dLds, int n) {
        requireSquare(dLds, n, "gradientBalance");
        double largest = maxAbs(dLds);
        for (int a = 0; a < 2 * n; a++) {
            int p = Similarities.positive(a, n);
            double push = 0;
            for (int b = 0; b < 2 * n; b++) {
                push += b == a || b == p ? 0 : Math.abs(dLds.get(a, b));
            }
            double pull = Math.abs(dLds.get(a, p));
            if (!(Math.abs(pull - push) <= 1e-4 * Math.max(pull, push) + 1e-6 * largest)) {
                throw new AssertionError(String.format(Locale.ROOT, "gradient balance (Wang & Liu) fails at anchor %d: "
                        + "|dL/ds_ap| = %.8g (positive %d), sum of |dL/ds_ab| over negatives = %.8g", a, pull, p, push));
            }
        }
    }

    /**
     * DCL's decoupling: with the positive out of the denominator, every anchor's pull on its
     * positive is exactly 1/τ, with no negative–positive coupling multiplier q_a &lt; 1 (which
     * NT-Xent has): |∂L/∂s_ap| = 1/(2N·τ) for a loss that is the mean over its 2N anchors, to 1e-5.
     *
     * @param dLds the 2N×2N gradient in the anchor-row layout
     * @param n    N
     * @param tau  the temperature τ
     */
    public static void noCouplingMultiplier(Tensor dLds, int n, double tau) {
        requireSquare(dLds, n, "noCouplingMultiplier");
        double expected = 1 / (2 * n * tau);
        for (int a = 0; a < 2 * n; a++) {
            double pull = Math.abs(dLds.get(a, Similarities.positive(a, n)));
            if (!(Math.abs(pull - expected) <= 1e-5 * expected)) {
                throw new AssertionError(String.format(Locale.ROOT, "no coupling multiplier (DCL) fails at anchor %d: "
                        + "|dL/ds_ap| = %.8g, expected 1/(2N·τ) = %.8g: a multiplier of %.6g", a, pull, expected,
                        pull / expected));
            }
        }
    }

    /**
     * The relative penalties' limits in τ: each anchor's row sums to 1 over its 2N−2 negatives (0 at
     * itself and its positive); as τ → 0 (τ = 1e-4) the whole penalty sits on the hardest negative
     * (where the hardest is ahead of the next by more than 0.01 in cosine similarity); as τ → ∞ (τ =
     * 1e4) it is uniform, 1/(2N−2) each to within a few 1/τ.
     *
     * @param r  the penalties
     * @param z1 view 1, [N, d]
     * @param z2 view 2, [N, d]
     */
    public static void relativePenaltyLimits(Penalties r, Tensor z1, Tensor z2) {
        int n = z1.dim(0);
        int negatives = 2 * n - 2;
        double[][] s = Similarities.cosine(z1, z2);
        double cold = 1e-4, hot = 1e4;
        Tensor rCold = r.at(z1, z2, cold), rHot = r.at(z1, z2, hot), rMid = r.at(z1, z2, 0.5);
        for (int a = 0; a < 2 * n; a++) {
            int p = Similarities.positive(a, n);
            int hardest = -1;
            double best = Double.NEGATIVE_INFINITY, second = Double.NEGATIVE_INFINITY;
            for (Tensor t : List.of(rCold, rHot, rMid)) {
                double sum = 0;
                for (int b = 0; b < 2 * n; b++) {
                    sum += t.get(a, b);
                }
                expect(Math.abs(sum - 1) <= 1e-5 && t.get(a, a) == 0 && t.get(a, p) == 0,
                        "relative penalties: anchor %d's row sums to %.8g (expected 1) with %.3g at itself, %.3g at its "
                                + "positive (expected 0)", a, sum, t.get(a, a), t.get(a, p));
            }
            for (int b = 0; b < 2 * n; b++) {
                if (b == a || b == p) {
                    continue;
                }
                expect(Math.abs(rHot.get(a, b) - 1.0 / negatives) <= 3.0 / hot / negatives,
                        "relative penalties at τ → ∞ (τ = %.0g): anchor %d, negative %d has %.8g, expected uniform 1/%d",
                        hot, a, b, rHot.get(a, b), negatives);
                if (s[a][b] > best) {
                    second = best;
                    best = s[a][b];
                    hardest = b;
                } else if (s[a][b] > second) {
                    second = s[a][b];
                }
            }
            if (best - second > 1e-2) {
                expect(Math.abs(1 - rCold.get(a, hardest)) <= 1e-6,
                        "relative penalties at τ → 0 (τ = %.0g): anchor %d's hardest negative %d has %.8g, expected 1",
                        cold, a, hardest, rCold.get(a, hardest));
            }
        }
    }

    /**
     * The InfoNCE bound for an NT-Xent-style loss over 2N samples (2N−1 candidates per anchor):
     * L ≥ 0 always, and in the region where every anchor's positive is at least as similar (cosine)
     * as each of its negatives, log(2N−1) − L ≥ 0 (to 1e-5 relative): the mutual-information estimate
     * is non-negative there.
     *
     * @param loss the loss under test
     * @param batch its per-batch inputs (labels, bank), or {@code BatchInputs.none()}
     * @param z1 view 1, [N, d]
     * @param z2 view 2, [N, d]
     * @return whether the batch lies in that region (the bound was checked)
     */
    public static boolean infoNceBound(Loss loss, BatchInputs batch, Tensor z1, Tensor z2) {
        int n = z1.dim(0);
        double l = loss.compute(z1, z2, batch).loss();
        double bound = Math.log(2 * n - 1);
        expect(l >= -1e-6, "InfoNCE bound: the loss %.8g is negative", l);
        double[][] s = Similarities.cosine(z1, z2);
        for (int a = 0; a < 2 * n; a++) {
            for (double neg : Similarities.negatives(s, a, n, NegativeSet.ALL)) {
                if (neg > s[a][Similarities.positive(a, n)]) {
                    return false;
                }
            }
        }
        expect(bound - l >= -1e-5 * bound, "InfoNCE bound: every positive leads its negatives, yet log(2N−1) − L = "
                + "%.8g − %.8g < 0 (N = %d)", bound, l, n);
        return true;
    }

    /**
     * {@link #viewSwapSymmetry(Loss, BatchInputs, Tensor, Tensor, Tolerance)} under {@link #FLOAT32_PAIR}.
     *
     * @param loss the loss under test
     * @param batch its per-batch inputs (labels, bank), or {@code BatchInputs.none()}
     * @param z1 view 1, [N, d]
     * @param z2 view 2, [N, d]
     */
    public static void viewSwapSymmetry(Loss loss, BatchInputs batch, Tensor z1, Tensor z2) {
        viewSwapSymmetry(loss, batch, z1, z2, FLOAT32_PAIR);
    }

    /**
     * Symmetry under swapping the views, for a loss that treats them alike: L(z2, z1) = L(z1, z2)
     * (to 1e-5 of max(1, |L|)), and the gradients swap.
     *
     * @param loss the loss under test
     * @param batch its per-batch inputs (labels, bank), or {@code BatchInputs.none()}
     * @param z1 view 1, [N, d]
     * @param z2 view 2, [N, d]
     * @param tolerance how close the swapped gradients must be
     */
    public static void viewSwapSymmetry(Loss loss, BatchInputs batch, Tensor z1, Tensor z2, Tolerance tolerance) {
        LossResult r = loss.compute(z1, z2, batch);
        LossResult swapped = loss.compute(z2, z1, batch);
        sameLoss("view swap", r.loss(), swapped.loss());
        GradReport.compare("view swap of " + loss, tolerance, List.of(
                GradReport.Input.of("dL/dz1 (swapped: dL/dz2)", swapped.grad2(), r.grad1().toDoubleArray()),
                GradReport.Input.of("dL/dz2 (swapped: dL/dz1)", swapped.grad1(), r.grad2().toDoubleArray()))).orThrow();
    }

    /**
     * {@link #permutationInvariance(Loss, BatchInputs, Tensor, Tensor, int[], Tolerance)} under {@link #FLOAT32_PAIR}.
     *
     * @param loss the loss under test
     * @param batch its per-batch inputs (labels, bank), or {@code BatchInputs.none()}
     * @param z1 view 1, [N, d]
     * @param z2 view 2, [N, d]
     * @param perm a permutation of 0..N−1
     */
    public static void permutationInvariance(Loss loss, BatchInputs batch, Tensor z1, Tensor z2, int[] perm) {
        permutationInvariance(loss, batch, z1, z2, perm, FLOAT32_PAIR);
    }

    /**
     * Invariance to permuting the batch: the rows of both views (and the labels, if the batch has
     * them) reordered by {@code perm} (row i of the permuted batch is row perm[i]) give the same loss
     * (to 1e-5 of max(1, |L|)) and the same gradients, reordered alike.
     *
     * @param loss the loss under test
     * @param batch its per-batch inputs (labels, bank), or {@code BatchInputs.none()}
     * @param z1 view 1, [N, d]
     * @param z2 view 2, [N, d]
     * @param perm a permutation of 0..N−1
     * @param tolerance how close the reordered gradients must be
     */
    public static void permutationInvariance(Loss loss, BatchInputs batch, Tensor z1, Tensor z2, int[] perm,
                                             Tolerance tolerance) {
        int n = z1.dim(0);
        if (perm.length != n) {
            throw new IllegalArgumentException("permutationInvariance: the permutation has " + perm.length
                    + " entries, the views " + n + " rows");
        }
        BatchInputs permutedBatch = batch;
        int[] labels = batch.labels();
        if (labels != null) {
            int[] moved = new int[n];
            for (int i = 0; i < n; i++) {
                moved[i] = labels[perm[i]];
            }
            permutedBatch = BatchInputs.labels(moved);
        }
        LossResult r = loss.compute(z1, z2, batch);
        LossResult p = loss.compute(permuteRows(z1, perm), permuteRows(z2, perm), permutedBatch);
        sameLoss("batch permutation", r.loss(), p.loss());
        GradReport.compare("batch permutation of " + loss, tolerance, List.of(
                GradReport.Input.of("dL/dz1 (permuted)", p.grad1(), permuteRows(r.grad1(), perm).toDoubleArray()),
                GradReport.Input.of("dL/dz2 (permuted)", p.grad2(), permuteRows(r.grad2(), perm).toDoubleArray())))
                .orThrow();
    }

    private static Tensor permuteRows(Tensor z, int[] perm) {
        Tensor out = Tensor.zeros(z.shape());
        for (int i = 0; i < perm.length; i++) {
            out.row(i).copyFrom(z.row(perm[i]));
        }
        return out;
    }

    private static void sameLoss(String identity, double expected, double got) {
        expect(Math.abs(expected - got) <= 1e-5 * Math.max(1, Math.abs(expected)),
                "%s: the loss changes from %.8g to %.8g", identity, expected, got);
    }

    private static void requireSquare(Tensor t, int n, String what) {
        if (t.rank() != 2 || t.dim(0) != 2 * n || t.dim(1) != 2 * n) {
            throw new IllegalArgumentException(what + ": dL/ds must be 2N×2N = " + 2 * n + "×" + 2 * n + ", got "
                    + t.shapeString());
        }
    }

    private static double maxAbs(Tensor t) {
        double m = 0;
        for (int i = 0; i < t.size(); i++) {
            m = Math.max(m, Math.abs(t.get(i)));
        }
        return m;
    }

    private static void expect(boolean holds, String format, Object... args) {
        if (!holds) {
            throw new AssertionError(String.format(Locale.ROOT, format, args));
        }
    }
}
