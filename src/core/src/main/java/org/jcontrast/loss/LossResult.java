package org.jcontrast.loss;

import org.jcontrast.tensor.Tensor;

/**
 * A loss value and its exact gradients with respect to the raw (un-normalised) inputs. The result
 * owns its tensors; it is immutable once returned (do not write to them if you share it).
 *
 * @param loss the loss, a mean over anchors as its spec documents
 * @param grad1 ∂loss/∂z1, the shape of z1
 * @param grad2 ∂loss/∂z2, the shape of z2
 * @param gradLogitScale ∂loss/∂t for CLIP's logit scale t = log(1/τ); NaN for other losses
 */
public record LossResult(double loss, Tensor grad1, Tensor grad2, double gradLogitScale) {

    /**
     * A result without a logit-scale gradient.
     *
     * @param loss the loss value
     * @param grad1 ∂L/∂z1
     * @param grad2 ∂L/∂z2
     */
    public LossResult(double loss, Tensor grad1, Tensor grad2) {
        this(loss, grad1, grad2, Double.NaN);
    }

    /**
     * ∂loss/∂z1 as rows, copied.
     *
     * @return ∂loss/∂z1 as rows, copied
     */
    public float[][] grad1Rows() {
        return grad1.toRows();
    }

    /**
     * ∂loss/∂z2 as rows, copied.
     *
     * @return ∂loss/∂z2 as rows, copied
     */
    public float[][] grad2Rows() {
        return grad2.toRows();
    }
}
