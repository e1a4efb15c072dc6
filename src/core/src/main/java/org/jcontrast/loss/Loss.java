package org.jcontrast.loss;

import org.jcontrast.internal.loss.LossInputs;
import org.jcontrast.tensor.Tensor;

/**
 * A contrastive loss over two views z1, z2 of shape [N, d] (for CLIP: the two towers; for InfoNCE:
 * queries and their positive keys, with negatives from the spec's memory bank). Rows are normalised
 * inside as z / max(‖z‖, eps) unless the spec says they already are.
 *
 * <p>Implementations differ in how they compute, never in what: the fused kernels, the composition
 * on the autograd and the streaming engine give the same value and gradients within float32
 * rounding. Bad input is rejected by {@link LossInputs#validate} with a message naming the problem.
 */
public interface Loss {

    /** What this loss computes. */
    LossSpec spec();

    /** The loss and its gradients with respect to z1 and z2. */
    LossResult compute(Tensor z1, Tensor z2);
}
