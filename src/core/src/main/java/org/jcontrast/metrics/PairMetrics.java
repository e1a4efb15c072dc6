package org.jcontrast.metrics;

import org.jcontrast.tensor.Tensor;

/**
 * Per-anchor statistics of two views z1, z2 ([N, d] each) over the 2N anchors [view 1 | view 2]
 * with cosine similarities s: the similarity to the positive (a ± N), the most similar negatives
 * (every sample but a and a ± N), DCL's negative-positive coupling multiplier, and NT-Xent at τ.
 * The raw per-anchor values are what the papers' histograms show.
 * <p>Safe to read from several threads once built; the arrays and the tensor it returns are its
 * own, so callers must not write to them.
 */
public final class PairMetrics {
    private final int n;
    private final double temperature;
    private final double[] positive;
    private final Tensor topNegatives;
    private final double[] npc;
    private final double ntxent;

    PairMetrics(int n, double temperature, double[] positive, Tensor topNegatives, double[] npc, double ntxent) {
        this.n = n;
        this.temperature = temperature;
        this.positive = positive;
        this.topNegatives = topNegatives;
        this.npc = npc;
        this.ntxent = ntxent;
    }

    /**
     * N, the rows per view.
     *
     * @return N
     */
    public int rowsPerView() {
        return n;
    }

    /**
     * τ the NPC multipliers and NT-Xent were computed at.
     *
     * @return τ
     */
    public double temperature() {
        return temperature;
    }

    /**
     * s_{a, a±N} for each of the 2N anchors (each pair appears twice, once per direction).
     *
     * @return the similarities, 2N values
     */
    public double[] positiveSimilarity() {
        return positive.clone();
    }

    /**
     * Each anchor's largest negative similarities, in decreasing order: [2N, k].
     *
     * @return the similarities, [2N, k]
     */
    public Tensor topNegativeSimilarity() {
        return topNegatives.copy();
    }

    /**
     * DCL's NPC multiplier q_a = 1 − exp(s_{a,a±N}/τ) / Σ_{b≠a} exp(s_ab/τ) for each anchor: the
     * factor by which the positive's own term in NT-Xent's denominator scales the gradient.
     *
     * @return the multipliers, 2N values in [0, 1]
     */
    public double[] npcMultiplier() {
        return npc.clone();
    }

    /**
     * Mean and std of the positive similarities.
     *
     * @return mean and std of the positive similarities
     */
    public Moments positiveMoments() {
        return Moments.of(positive);
    }

    /**
     * Mean and std of the top negative similarities, pooled over anchors.
     *
     * @return mean and std of the top negative similarities, pooled over anchors
     */
    public Moments topNegativeMoments() {
        return Moments.of(topNegatives.toDoubleArray());
    }

    /**
     * Mean and std (and so the coefficient of variation) of the NPC multipliers.
     *
     * @return mean and std (and so the coefficient of variation) of the NPC multipliers
     */
    public Moments npcMoments() {
        return Moments.of(npc);
    }

    /**
     * NT-Xent at τ on these views.
     *
     * @return NT-Xent at τ on these views
     */
    public double ntxent() {
        return ntxent;
    }

    /**
     * The InfoNCE lower bound on the views' mutual information: log(2N − 1) − NT-Xent.
     *
     * @return the InfoNCE lower bound on the views' mutual information: log(2N − 1) − NT-Xent
     */
    public double infoNceBound() {
        return Math.log(2.0 * n - 1) - ntxent;
    }
}
