package org.jcontrast.nn;

import java.util.List;
import org.jcontrast.autograd.Arithmetic;
import org.jcontrast.autograd.Variable;

/** max(x, 0), elementwise. */
public final class Relu implements Layer {
    @Override
    public Variable forward(Variable x, boolean training) {
        return Arithmetic.relu(x);
    }


    @Override
    public List<Weight> weights() {
        return List.of();
    }
}
