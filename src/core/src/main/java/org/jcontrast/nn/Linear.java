package org.jcontrast.nn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.optim.Parameter;
import org.jcontrast.tensor.Tensor;

/**
 * A fully connected layer y = x·W + b, with W stored [inputs, outputs] so that the forward pass is
 * one plain matrix product. Initialised as PyTorch's {@code nn.Linear}: W and b uniform in
 * ±1/√inputs.
 * <p>Not thread-safe: its parameters are updated in place by optimisers, and the graphs its
 * forward passes build belong to one thread.
 */
public final class Linear implements Layer {
    private final Parameter weight;
    private final Parameter bias;

    /**
     * A fully connected layer y = x·W + b, initialised as PyTorch's (uniform in ±1/√inputs).
     *
     * @param name    prefix of the weight names ({@code name.weight}, {@code name.bias})
     * @param inputs  input columns
     * @param outputs output columns
     * @param hasBias whether to add a bias (not needed before a batch norm, which removes it)
     * @param random  the generator of the initial values
     */
    public Linear(String name, int inputs, int outputs, boolean hasBias, SplittableRandom random) {
        if (inputs < 1 || outputs < 1) {
            throw new IllegalArgumentException("a linear layer needs at least one input and one output, got "
                    + inputs + " and " + outputs);
        }
        float bound = (float) (1 / Math.sqrt(inputs));
        this.weight = new Parameter(name + ".weight", Tensor.uniform(random, -bound, bound, inputs, outputs), true);
        this.bias = hasBias ? new Parameter(name + ".bias", Tensor.uniform(random, -bound, bound, outputs), false) : null;
    }

    @Override
    public Variable forward(Variable x, boolean training) {
        return affine(x, weight.variable(), bias == null ? null : bias.variable());
    }

    @Override
    public List<Parameter> parameters() {
        return bias == null ? List.of(weight) : List.of(weight, bias);
    }

    /**
     * x·W + b (b may be null) as one operation: the bias is written into the output first and the
     * product added onto it. Gradients: ∂x = G·Wᵀ, ∂W = xᵀ·G, ∂b = the column sums of G; each is
     * computed only when its input needs it (a batch of images needs none).
     *
     * @param x the batch, [B, inputs]
     * @param w the weights, [inputs, outputs]
     * @param b the bias, [outputs], or null
     * @return x·W + b, [B, outputs]
     */
    public static Variable affine(Variable x, Variable w, Variable b) {
        Tensor xv = x.value(), wv = w.value();
        xv.requireRank(2, "linear (x)");
        int rows = xv.dim(0), cols = wv.dim(1);
        Tensor y = Tensor.zeros(rows, cols);
        float beta = 0f;
        if (b != null) {
            float[] bd = b.value().array(), yd = y.array();
            int bo = b.value().offset();
            for (int r = 0; r < rows; r++) {
                System.arraycopy(bd, bo, yd, r * cols, cols);
            }
            beta = 1f;
        }
        Ops.matmulInto(1f, xv, false, wv, false, beta, y);
        List<Variable> inputs = new ArrayList<>(List.of(x, w));
        if (b != null) {
            inputs.add(b);
        }
        return Variable.fromOp("linear", y, inputs, List.of(xv, wv), g -> {
            Tensor[] grads = new Tensor[inputs.size()];
            grads[0] = x.requiresGrad() ? Ops.matmul(g, false, wv, true) : null;
            grads[1] = w.requiresGrad() ? Ops.matmul(xv, true, g, false) : null;
            if (b != null) {
                grads[2] = b.requiresGrad() ? Ops.colSums(g) : null;
            }
            return grads;
        });
    }
}
