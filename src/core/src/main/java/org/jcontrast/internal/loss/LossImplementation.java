package org.jcontrast.internal.loss;

import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;

/**
 * One way of computing the loss of fixed {@link LossOptions}: the fused kernels over the
 * materialised similarity matrix, the streaming engine, or the autograd composition. All give the
 * same value and gradients within float32 rounding; bad input is rejected by {@link LossInputs#validate}
 * with a message naming the problem, whatever the implementation. Thread-safe.
 */
public interface LossImplementation {

    /** What this computes. */
    LossOptions options();

    /** The loss and its gradients with respect to z1 and z2. */
    LossResult compute(Tensor z1, Tensor z2);

    /** Writes the gradients into {@code grad1} and {@code grad2} (the views' shapes) and returns the loss. */
    default double computeInto(Tensor z1, Tensor z2, Tensor grad1, Tensor grad2) {
        LossResult r = compute(z1, z2);
        grad1.copyFrom(r.grad1());
        grad2.copyFrom(r.grad2());
        return r.loss();
    }
}
