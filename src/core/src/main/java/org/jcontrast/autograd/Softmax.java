package org.jcontrast.autograd;

import java.util.List;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/**
 * Row-wise logsumexp, softmax and log-softmax of a matrix, max-shifted so that large logits do not
 * overflow. Entries of −∞ (masked out) take no part and get no gradient.
 * <p>Stateless and thread-safe; the {@link Variable}s it builds are not (one graph per thread).
 */
public final class Softmax {
    private Softmax() {
    }

    /**
     * log Σ_j exp(x_ij) of each row, shape [r, 1]. Its gradient is the row's softmax.
     *
     * @param x the logits
     * @return log Σ_j exp(x_ij) of each row, shape [r, 1]
     */
    public static Variable logSumExpRows(Variable x) {
        Tensor xv = x.value();
        Shapes.requireMatrix(xv, "logSumExpRows");
        Tensor out = Ops.rowLogSumExp(xv).reshape(xv.dim(0), 1);
        return Variable.fromOp("logSumExpRows", out, List.of(x), List.of(xv),
                g -> new Tensor[] {Ops.mul(Ops.softmaxRows(xv), Broadcast.expand(g, xv.shape()))});
    }

    /**
     * softmax of each row. Gradient: y ⊙ (g − Σ_j g_j y_j).
     *
     * @param x the logits
     * @return softmax of each row
     */
    public static Variable softmaxRows(Variable x) {
        Shapes.requireMatrix(x.value(), "softmaxRows");
        Tensor y = Ops.softmaxRows(x.value());
        return Variable.fromOp("softmaxRows", y, List.of(x), List.of(y), g -> {
            Tensor gy = Ops.mul(g, y);
            Ops.axpyInto(-1f, Ops.mul(y, perRow(Ops.rowSums(gy), y)), gy);
            return new Tensor[] {gy};
        });
    }

    /**
     * log-softmax of each row: x − logsumexp(x). Gradient: g − softmax(x)·Σ_j g_j.
     *
     * @param x the logits
     * @return log-softmax of each row: x − logsumexp(x)
     */
    public static Variable logSoftmaxRows(Variable x) {
        Shapes.requireMatrix(x.value(), "logSoftmaxRows");
        Tensor y = Ops.logSoftmaxRows(x.value());
        return Variable.fromOp("logSoftmaxRows", y, List.of(x), List.of(y), g -> {
            Tensor dx = g.copy();
            Ops.axpyInto(-1f, Ops.mul(Ops.exp(y), perRow(Ops.rowSums(g), y)), dx);
            return new Tensor[] {dx};
        });
    }

    /** One value per row, spread over the columns of {@code like}. */
    private static Tensor perRow(Tensor values, Tensor like) {
        return Broadcast.expand(values.reshape(like.dim(0), 1), like.shape());
    }
}
