package org.jcontrast.loss;

import org.jcontrast.tensor.Tensor;

/**
 * A loss value and its exact gradients with respect to the raw (un-normalised) inputs.
 *
 * @param loss the loss, reduced as its {@link LossKind} documents
 * @param grad1 ∂loss/∂z1, the shape of z1
 * @param grad2 ∂loss/∂z2, the shape of z2
 * @param gradLogitScale ∂loss/∂t for CLIP's learnable logit scale t = log(1/τ); NaN for other losses
 */
public record LossResult(double loss, Tensor grad1, Tensor grad2, double gradLogitScale) {

    /** A result without a logit-scale gradient. */
    public LossResult(double loss, Tensor grad1, Tensor grad2) {
        this(loss, grad1, grad2, Double.NaN);
    }
}
