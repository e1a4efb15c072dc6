package org.jcontrast.internal.loss;

import org.jcontrast.internal.loss.LossOptions;

/**
 * The fused kernels: each loss computed with its exact analytic gradient in one forward-backward
 * sweep over a materialised similarity matrix. Rows are normalised, the similarities come from the
 * symmetric Gram kernel (one tower) or a matrix product (CLIP's two towers, InfoNCE's bank), every
 * anchor's row is turned into ∂L/∂s by {@link AnchorRows} under the loss's {@link AnchorRule}, and
 * one more matrix product and the normalisation's backward give ∂L/∂z. Memory is O(N²) for the
 * similarity matrix, which is reused for its gradient.
 */
public final class FusedLosses {
    private FusedLosses() {
    }

    /** The fused implementation of {@code spec}. */
    public static LossImplementation create(LossOptions spec) {
        return switch (spec.kind()) {
            case CLIP -> new FusedClipLoss(spec);
            case INFONCE -> new FusedInfoNceLoss(spec);
            case NTXENT, DCL, DCLW, HARD, SIMPLE, HARDSIMPLE, SUPCON -> new FusedOneTowerLoss(spec);
        };
    }
}
