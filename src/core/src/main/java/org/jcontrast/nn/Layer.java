package org.jcontrast.nn;

import java.util.List;
import java.util.Map;
import org.jcontrast.autograd.Variable;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * One stage of a network: a forward pass on the autograd, its trained parameters, and its
 * non-trained state. Not thread-safe: a forward pass in training mode updates state (batch norm's
 * running statistics), and the parameters are shared with the optimiser.
 */
public interface Layer {

    /**
     * The output for a batch {@code x} of rows. In training mode batch statistics are used and
     * updated; in evaluation mode the running ones are.
     *
     * @param x the batch, [B, inputs]
     * @param training true for training mode (batch statistics), false for evaluation mode
     * @return the output, [B, outputs]
     */
    Variable forward(Variable x, boolean training);

    /**
     * The trained tensors, in a fixed order.
     *
     * @return the trained tensors, in a fixed order
     */
    List<Parameter> parameters();

    /**
     * State that is not trained but must be saved (batch norm's running statistics); empty by default.
     *
     * @return state that is not trained but must be saved (batch norm's running statistics); empty by default
     */
    default Map<String, Tensor> buffers() {
        return Map.of();
    }
}
