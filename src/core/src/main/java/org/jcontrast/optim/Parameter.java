package org.jcontrast.optim;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jcontrast.autograd.Variable;
import org.jcontrast.tensor.Tensor;

/**
 * A trainable tensor: an autograd leaf with a unique name (for checkpoints and messages) and a flag
 * saying whether weight decay applies. Its gradient is the one {@link Variable#backward()} leaves
 * on the leaf, the only place gradients are kept; an {@link Optimizer} reads it there and clears it
 * after each step. Biases and batch-norm scales and shifts are usually excluded from decay (and, in
 * LARS, from the layer-wise trust ratio), as in SimCLR. Not thread-safe.
 */
public final class Parameter {
    private final String name;
    private final Variable variable;
    private final boolean decays;

    /**
     * A trained tensor and how the optimisers treat it.
     *
     * @param name   unique name, e.g. {@code encoder.0.weight}
     * @param value  the initial value, updated in place by the optimiser
     * @param decays whether weight decay (and LARS's trust ratio) applies
     */
    public Parameter(String name, Tensor value, boolean decays) {
        this.name = name;
        this.variable = Variable.parameter(name, value);
        this.decays = decays;
    }

    /**
     * The unique name.
     *
     * @return the unique name
     */
    public String name() {
        return name;
    }

    /**
     * The autograd leaf the forward pass reads.
     *
     * @return the autograd leaf the forward pass reads
     */
    public Variable variable() {
        return variable;
    }

    /**
     * The value (shared with the leaf).
     *
     * @return the value (shared with the leaf)
     */
    public Tensor value() {
        return variable.value();
    }

    /**
     * The gradient the backward passes since the last step accumulated, or null when none reached it.
     *
     * @return the gradient the backward passes since the last step accumulated, or null when none reached it
     */
    public Tensor grad() {
        return variable.grad();
    }

    /**
     * True when weight decay (and LARS adaptation) applies.
     *
     * @return true when weight decay (and LARS adaptation) applies
     */
    public boolean decays() {
        return decays;
    }

    /** Forgets the accumulated gradient. */
    public void zeroGrad() {
        variable.zeroGrad();
    }

    /**
     * The values by name, in list order: with {@link Optimizer#state()}, what a checkpoint saves.
     *
     * @param parameters the parameters
     * @return the values by name, in list order: with {@link Optimizer#state()}, what a checkpoint saves
     */
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
        return name + value().shapeString() + (decays ? "" : " (no decay)");
    }
}
