package org.jcontrast.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.tensor.Tensor;

/**
 * A trainable tensor as an optimiser sees it: its value, the gradient the backward pass
 * accumulates into, a unique name (used for checkpoints and messages), and whether weight decay
 * applies to it. Biases and batch-norm scales and shifts are usually excluded from decay (and, in
 * LARS, from the layer-wise trust ratio), as in SimCLR.
 */
public final class Parameter {
    private final String name;
    private final Tensor value;
    private final Tensor grad;
    private final boolean decay;

    /** A parameter with its own zero gradient of the same shape. */
    public Parameter(String name, Tensor value, boolean decay) {
        this(name, value, Tensor.zeros(value.shape()), decay);
    }

    /** A parameter over an existing value and gradient (e.g. an autograd variable's), of the same shape. */
    public Parameter(String name, Tensor value, Tensor grad, boolean decay) {
        if (!value.sameShape(grad)) {
            throw new IllegalArgumentException("parameter " + name + ": gradient shape " + grad.shapeString()
                    + " differs from value shape " + value.shapeString());
        }
        this.name = name;
        this.value = value;
        this.grad = grad;
        this.decay = decay;
    }

    /** The unique name, e.g. {@code encoder.0.weight}. */
    public String name() {
        return name;
    }

    /** The value the optimiser updates in place. */
    public Tensor value() {
        return value;
    }

    /** The gradient of the loss with respect to the value. */
    public Tensor grad() {
        return grad;
    }

    /** True when weight decay (and LARS adaptation) applies. */
    public boolean decays() {
        return decay;
    }

    /** Sets the gradient to zero. */
    public void zeroGrad() {
        grad.fill(0f);
    }

    /** The values by name, in list order: with {@link Optimizer#state()}, what a checkpoint saves. */
    public static Map<String, Tensor> valuesByName(List<Parameter> parameters) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            if (out.put(p.name(), p.value()) != null) {
                throw new IllegalArgumentException("two parameters are named " + p.name());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return name + value.shapeString() + (decay ? "" : " (no decay)");
    }
}
