package org.jcontrast.autograd;

import java.util.List;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/**
 * Picking entries, rows and columns of a matrix, and masking. The gradient of a selection is
 * scattered back to where each entry came from (summed where an entry was taken twice).
 * <p>Stateless and thread-safe; the {@link Variable}s it builds are not (one graph per thread).
 */
public final class Indexing {
    private Indexing() {
    }

    /**
     * One entry per row, {@code x[i, index[i]]}, as an [r, 1] column.
     *
     * @param x the input
     * @param index one column per row
     * @return one entry per row, {@code x[i, index[i]]}, as an [r, 1] column
     */
    public static Variable pick(Variable x, int[] index) {
        Tensor xv = x.value();
        Shapes.requireMatrix(xv, "pick");
        int rows = xv.dim(0), cols = xv.dim(1);
        if (index.length != rows) {
            throw new IllegalArgumentException("pick: " + index.length + " indices for " + rows
                    + " rows; give one column index per row");
        }
        int[] idx = index.clone();
        checkIndices(idx, cols, "pick", "column");
        Tensor out = Tensor.zeros(rows, 1);
        for (int i = 0; i < rows; i++) {
            out.set(i, xv.get(i, idx[i]));
        }
        return Variable.fromOp("pick", out, List.of(x), List.of(), g -> {
            Tensor dx = Tensor.zeros(rows, cols);
            for (int i = 0; i < rows; i++) {
                dx.set(i, idx[i], g.get(i));
            }
            return new Tensor[] {dx};
        });
    }

    /**
     * The diagonal of a square matrix, as an [n, 1] column.
     *
     * @param x a square matrix
     * @return the diagonal of a square matrix, as an [n, 1] column
     */
    public static Variable diagonal(Variable x) {
        Tensor xv = x.value();
        Shapes.requireMatrix(xv, "diagonal");
        if (xv.dim(0) != xv.dim(1)) {
            throw new IllegalArgumentException("diagonal: needs a square matrix, got " + xv.shapeString());
        }
        int[] index = new int[xv.dim(0)];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        return pick(x, index);
    }

    /**
     * The rows {@code x[rows[k]]}, in the given order, repeats allowed: shape [rows.length, c].
     *
     * @param x the matrix
     * @param rows the row indices
     * @return the rows {@code x[rows[k]]}, in the given order, repeats allowed: shape [rows.length, c]
     */
    public static Variable selectRows(Variable x, int[] rows) {
        Tensor xv = x.value();
        Shapes.requireMatrix(xv, "selectRows");
        int[] idx = rows.clone();
        checkIndices(idx, xv.dim(0), "selectRows", "row");
        Tensor out = Tensor.zeros(idx.length, xv.dim(1));
        for (int k = 0; k < idx.length; k++) {
            out.row(k).copyFrom(xv.row(idx[k]));
        }
        int[] shape = xv.shape();
        return Variable.fromOp("selectRows", out, List.of(x), List.of(), g -> {
            Tensor dx = Tensor.zeros(shape);
            for (int k = 0; k < idx.length; k++) {
                Ops.axpyInto(1f, g.row(k), dx.row(idx[k]));
            }
            return new Tensor[] {dx};
        });
    }

    /**
     * The columns {@code x[:, cols[k]]}, in the given order, repeats allowed: shape [r, cols.length].
     *
     * @param x the matrix
     * @param cols the column indices
     * @return the columns {@code x[:, cols[k]]}, in the given order, repeats allowed: shape [r, cols.length]
     */
    public static Variable selectCols(Variable x, int[] cols) {
        Tensor xv = x.value();
        Shapes.requireMatrix(xv, "selectCols");
        int[] idx = cols.clone();
        checkIndices(idx, xv.dim(1), "selectCols", "column");
        int rows = xv.dim(0);
        Tensor out = Tensor.zeros(rows, idx.length);
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < idx.length; k++) {
                out.set(i, k, xv.get(i, idx[k]));
            }
        }
        int[] shape = xv.shape();
        return Variable.fromOp("selectCols", out, List.of(x), List.of(), g -> {
            Tensor dx = Tensor.zeros(shape);
            for (int i = 0; i < rows; i++) {
                for (int k = 0; k < idx.length; k++) {
                    dx.set(i, idx[k], dx.get(i, idx[k]) + g.get(i, k));
                }
            }
            return new Tensor[] {dx};
        });
    }

    /**
     * x with {@code value} wherever {@code mask} (a constant of x's shape) is non-zero; those
     * entries get no gradient. Filling with −∞ removes logits from a softmax or logsumexp.
     *
     * @param x the input
     * @param mask a constant of x's shape; non-zero entries are filled
     * @param value the fill value, e.g. −∞
     * @return x with {@code value} wherever {@code mask} (a constant of x's shape) is non-zero; those entries get no
     *     gradient
     */
    public static Variable maskedFill(Variable x, Tensor mask, float value) {
        Tensor xv = x.value();
        Shapes.requireSame(xv, mask, "maskedFill (x and mask)");
        Tensor out = Pointwise.zip(xv, mask, (v, m) -> m != 0 ? value : v);
        return Variable.fromOp("maskedFill", out, List.of(x), List.of(mask),
                g -> new Tensor[] {Pointwise.zip(g, mask, (gv, m) -> m != 0 ? 0f : gv)});
    }

    private static void checkIndices(int[] idx, int bound, String op, String what) {
        for (int k = 0; k < idx.length; k++) {
            if (idx[k] < 0 || idx[k] >= bound) {
                throw new IllegalArgumentException(op + ": index " + k + " is " + idx[k] + ", out of range for "
                        + bound + " " + what + "s");
            }
        }
    }
}
