package org.jcontrast.nn;

import java.util.List;
import java.util.Map;
import org.jcontrast.autograd.Variable;
import org.jcontrast.tensor.Tensor;

/** One stage of a network: a forward pass on the autograd, its weights, and its non-trained state. */
public interface Layer {

    /**
     * The output for a batch {@code x} of rows. In training mode batch statistics are used and
     * updated; in evaluation mode the running ones are.
     */
    Variable forward(Variable x, boolean training);


    /** The trained tensors, in a fixed order. */
    List<Weight> weights();

    /** State that is not trained but must be saved (batch norm's running statistics); empty by default. */
    default Map<String, Tensor> buffers() {
        return Map.of();
    }
}
