package org.jcontrast.autograd;

import java.util.List;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/**
 * Sums and means: of everything (a scalar), of each row (an [r, 1] column) and of each column
 * (a [1, c] row). The reduced dimension is kept as 1 so the result broadcasts back against its
 * input, e.g. {@code sub(x, meanCols(x))} centres the columns.
 * <p>Stateless and thread-safe; the {@link Variable}s it builds are not (one graph per thread).
 */
public final class Reductions {
    private Reductions() {
    }

    /**
     * Σ x, a scalar.
     *
     * @param x the input
     * @return the sum
     */
    public static Variable sum(Variable x) {
        int[] shape = x.value().shape();
        return Variable.fromOp("sum", Tensor.scalar(Ops.sum(x.value())), List.of(x), List.of(),
                g -> new Tensor[] {Tensor.full(g.item(), shape)});
    }

    /**
     * The mean of all elements, a scalar.
     *
     * @param x the input
     * @return the mean
     */
    public static Variable mean(Variable x) {
        return Arithmetic.scale(sum(x), 1f / x.value().size());
    }

    /**
     * The sum of each row of a matrix, shape [r, 1].
     *
     * @param x the matrix
     * @return the sum of each row of a matrix, shape [r, 1]
     */
    public static Variable sumRows(Variable x) {
        Shapes.requireMatrix(x.value(), "sumRows");
        int[] shape = x.value().shape();
        return Variable.fromOp("sumRows", Ops.rowSums(x.value()).reshape(shape[0], 1), List.of(x), List.of(),
                g -> new Tensor[] {Broadcast.expand(g, shape)});
    }

    /**
     * The sum of each column of a matrix, shape [1, c].
     *
     * @param x the matrix
     * @return the sum of each column of a matrix, shape [1, c]
     */
    public static Variable sumCols(Variable x) {
        Shapes.requireMatrix(x.value(), "sumCols");
        int[] shape = x.value().shape();
        return Variable.fromOp("sumCols", Ops.colSums(x.value()).reshape(1, shape[1]), List.of(x), List.of(),
                g -> new Tensor[] {Broadcast.expand(g, shape)});
    }

    /**
     * The mean of each row of a matrix, shape [r, 1].
     *
     * @param x the matrix
     * @return the mean of each row of a matrix, shape [r, 1]
     */
    public static Variable meanRows(Variable x) {
        return Arithmetic.scale(sumRows(x), 1f / x.value().dim(1));
    }

    /**
     * The mean of each column of a matrix, shape [1, c].
     *
     * @param x the matrix
     * @return the mean of each column of a matrix, shape [1, c]
     */
    public static Variable meanCols(Variable x) {
        return Arithmetic.scale(sumCols(x), 1f / x.value().dim(0));
    }
}
