package org.jcontrast.nn;

import org.jcontrast.autograd.Variable;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * A trainable tensor seen from both sides: the autograd leaf that the forward pass reads, and the
 * optimiser's {@link Parameter}, which shares its value. After a backward pass,
 * {@link #takeGradient()} moves the leaf's gradient into the parameter.
 */
public final class Weight {
    private final Variable variable;
    private final Parameter parameter;

    /**
     * @param name   unique name, e.g. {@code encoder.0.weight}
     * @param value  the initial value, used in place
     * @param decays whether weight decay (and LARS's trust ratio) applies
     */
    public Weight(String name, Tensor value, boolean decays) {
        this.variable = Variable.parameter(name, value);
        this.parameter = new Parameter(name, value, decays);
    }

    /** The autograd leaf. */
    public Variable variable() {
        return variable;
    }

    /** The optimiser's view: the same value, with its own gradient tensor. */
    public Parameter parameter() {
        return parameter;
    }

    /** The name. */
    public String name() {
        return parameter.name();
    }

    /** The value (shared by both sides). */
    public Tensor value() {
        return parameter.value();
    }

    /**
     * Copies the gradient the last backward pass accumulated on the leaf into the parameter (zero
     * when the pass did not reach it) and clears the leaf, ready for the next pass.
     */
    public void takeGradient() {
        Tensor g = variable.grad();
        if (g == null) {
            parameter.zeroGrad();
        } else {
            parameter.grad().copyFrom(g);
            variable.zeroGrad();
        }
    }
}
