package org.jcontrast.nn;

import java.util.List;
import org.jcontrast.autograd.Arithmetic;
import org.jcontrast.autograd.Variable;
import org.jcontrast.optim.Parameter;

/**
 * max(x, 0), elementwise.
 * <p>Stateless and thread-safe; the graphs its forward passes build are not.
 */
public final class Relu implements Layer {
    /** The activation; it has no parameters. */
    public Relu() {
    }

    @Override
    public Variable forward(Variable x, boolean training) {
        return Arithmetic.relu(x);
    }

    @Override
    public List<Parameter> parameters() {
        return List.of();
    }
}
