package org.jcontrast.autograd;

import org.jcontrast.tensor.Tensor;

/**
 * The backward of one operation: its inputs' gradients given the gradient of its output.
 * <p>Called on the thread that runs the backward pass, once per pass through the operation.
 */
@FunctionalInterface
public interface Backward {
    /**
     * One gradient per input, in input order, each the shape of its input; null for an input that
     * does not require a gradient (so the work for it can be skipped). Must not write to
     * {@code gradOut}, which may be shared.
     *
     * @param gradOut the gradient of the loss with respect to the operation's output (read only)
     * @return the gradients of the inputs, in input order, null where an input needs none
     */
    Tensor[] apply(Tensor gradOut);
}
