package org.jcontrast.autograd;

import java.util.Arrays;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * NumPy's broadcasting over ranks 0–2: shapes are aligned on the right and a dimension of 1 (or a
 * missing one) stretches to match the other. So a [c] or [1, c] row vector adds a bias to every
 * row of an [r, c] matrix, an [r, 1] column vector scales each row, and a scalar applies to all.
 */
final class Broadcast {
    private Broadcast() {
    }

    /** The shape {@code a} and {@code b} broadcast to, or an error naming both. */
    static int[] shape(Tensor a, Tensor b, String op) {
        int rank = Math.max(a.rank(), b.rank());
        int[] out = new int[rank];
        for (int k = 1; k <= rank; k++) {
            int da = dimFromRight(a, k), db = dimFromRight(b, k);
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + a.shapeString() + " and " + b.shapeString()
                        + " do not broadcast (aligned on the right, each dimension must match or be 1)");
            }
            out[rank - k] = da == 1 ? db : da;
        }
        return out;
    }

    /** {@code t} stretched to {@code shape} (itself when it already has that shape). */
    static Tensor expand(Tensor t, int[] shape) {
        if (Arrays.equals(t.shape(), shape)) {
            return t;
        }
        Tensor out = Tensor.zeros(shape);
        int rows = out.rows(), cols = out.cols();
        int tRows = t.rank() == 2 ? t.dim(0) : 1, tCols = t.cols();
        float[] td = t.array(), od = out.array();
        for (int i = 0; i < rows; i++) {
            int from = t.offset() + (tRows == 1 ? 0 : i * tCols);
            for (int j = 0; j < cols; j++) {
                od[i * cols + j] = td[from + (tCols == 1 ? 0 : j)];
            }
        }
        out.markModified();
        return out;
    }

    /**
     * The gradient {@code g} of a broadcast result, summed over the dimensions that were stretched,
     * so that it has the input's {@code shape} again.
     */
    static Tensor reduceTo(Tensor g, int[] shape) {
        int rows = g.rows(), cols = g.cols();
        int tRows = shape.length == 2 ? shape[0] : 1, tCols = shape.length == 0 ? 1 : shape[shape.length - 1];
        Tensor matrix = g.reshape(rows, cols);
        Tensor reduced;
        if (tRows == rows && tCols == cols) {
            reduced = g;
        } else if (tRows == rows) {
            reduced = Ops.rowSums(matrix);
        } else if (tCols == cols) {
            reduced = Ops.colSums(matrix);
        } else {
            reduced = Tensor.scalar(Ops.sum(g));
        }
        return reduced.reshape(shape);
    }

    private static int dimFromRight(Tensor t, int k) {
        return k <= t.rank() ? t.dim(t.rank() - k) : 1;
    }
}
