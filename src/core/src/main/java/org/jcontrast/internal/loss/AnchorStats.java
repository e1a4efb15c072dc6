package org.jcontrast.internal.loss;

/**
 * What one anchor's row has revealed so far, and, once {@link AnchorRule#finish} has run, the
 * anchor's loss and the coefficients of its ∂L/∂s. One instance per thread is reused row after
 * row: {@link AnchorRule#begin} resets it.
 *
 * <p>The accumulators take a row whole (the materialised kernels) or tile by tile (a streaming
 * engine): {@link #addPartition} merges the max-shifted partition sum of any subset of the
 * row's logits, so the result does not depend on how the row was cut.
 */
public final class AnchorStats {
    int anchor;
    float threshold;
    int tieLimit;
    double max;
    double sumExp;
    double positiveSum;
    int positives;
    double negativeSum;
    int negatives;
    double positiveWeight;
    double positiveOffset;
    double lse;
    double loss;
    double softmaxScale;
    double positiveGradient;
    double negativeGradient;

    /** An empty accumulator; {@link AnchorRule#begin} prepares it for an anchor. */
    public AnchorStats() {
    }

    void reset(int a) {
        anchor = a;
        threshold = Float.NEGATIVE_INFINITY;
        tieLimit = Integer.MAX_VALUE;
        max = Double.NEGATIVE_INFINITY;
        sumExp = 0;
        positiveSum = 0;
        positives = 0;
        negativeSum = 0;
        negatives = 0;
        positiveWeight = 1;
        positiveOffset = 0;
        lse = Double.NaN;
        loss = Double.NaN;
        softmaxScale = 0;
        positiveGradient = 0;
        negativeGradient = 0;
    }

    /** The anchor these statistics are of. */
    public int anchor() {
        return anchor;
    }

    /**
     * Fixes the hard selection: a candidate negative b with similarity s is selected when it comes
     * no later than (threshold, tieLimit) in the order "larger s first, then lower b". Top-K sets
     * the K-th best candidate's value and index; a quantile sets its threshold and
     * {@link Integer#MAX_VALUE}, keeping every tie. Without a call every candidate is selected.
     */
    public void select(float threshold, int tieLimit) {
        this.threshold = threshold;
        this.tieLimit = tieLimit;
    }

    /** Whether candidate negative {@code b} with similarity {@code s} is in the selection. */
    public boolean selected(int b, float s) {
        return s > threshold || (s == threshold && b <= tieLimit);
    }

    /**
     * Merges a part of the partition: {@code sumExp} = Σ exp(x − max) over some logits x in the
     * sum that were not merged before. {@code max} = −∞ (an empty part) leaves it unchanged.
     */
    public void addPartition(double partMax, double partSumExp) {
        if (partMax == Double.NEGATIVE_INFINITY) {
            return;
        }
        if (partMax > max) {
            sumExp = sumExp * Math.exp(max - partMax) + partSumExp;
            max = partMax;
        } else {
            sumExp += partSumExp * Math.exp(partMax - max);
        }
    }

    /** The logsumexp of the partition; NaN before {@link AnchorRule#finish}. */
    public double lse() {
        return lse;
    }

    /** The anchor's share of the loss (already divided by the number of anchors); NaN before finishing. */
    public double loss() {
        return loss;
    }

    /** ∂L/∂s_ab = softmaxScale · exp(β·s_ab − lse) for each entry in the partition (exponential losses). */
    public double softmaxScale() {
        return softmaxScale;
    }

    /** Added to ∂L/∂s_ab at each positive b. */
    public double positiveGradient() {
        return positiveGradient;
    }

    /** ∂L/∂s_ab at each summed negative of a linear loss (c·λ); 0 for the exponential losses. */
    public double negativeGradient() {
        return negativeGradient;
    }
}
