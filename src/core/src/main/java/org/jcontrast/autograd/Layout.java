package org.jcontrast.autograd;

import java.util.List;
import org.jcontrast.internal.tensor.Shapes;
import org.jcontrast.tensor.Tensor;

/**
 * Stacking, slicing, reshaping and transposing; each returns a new tensor and routes gradients back.
 * <p>Stateless and thread-safe; the {@link Variable}s it builds are not (one graph per thread).
 */
public final class Layout {
    private Layout() {
    }

    /**
     * The matrices stacked vertically, top to bottom; they must have the same number of columns.
     *
     * @param parts the matrices, at least one
     * @return the matrices stacked vertically, top to bottom; they must have the same number of columns
     */
    public static Variable concatRows(Variable... parts) {
        int cols = requireMatrices(parts, "concatRows").value().dim(1);
        int rows = 0;
        for (Variable p : parts) {
            if (p.value().dim(1) != cols) {
                throw new IllegalArgumentException("concatRows: every part needs " + cols + " columns, got "
                        + shapes(parts));
            }
            rows += p.value().dim(0);
        }
        Tensor out = Tensor.zeros(rows, cols);
        int[] starts = new int[parts.length + 1];
        for (int k = 0; k < parts.length; k++) {
            starts[k + 1] = starts[k] + parts[k].value().dim(0);
            out.rows(starts[k], starts[k + 1]).copyFrom(parts[k].value());
        }
        return Variable.fromOp("concatRows", out, List.of(parts), List.of(), g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int k = 0; k < parts.length; k++) {
                grads[k] = parts[k].requiresGrad() ? g.rows(starts[k], starts[k + 1]) : null;
            }
            return grads;
        });
    }

    /**
     * The matrices side by side, left to right; they must have the same number of rows.
     *
     * @param parts the matrices, at least one
     * @return the matrices side by side, left to right; they must have the same number of rows
     */
    public static Variable concatCols(Variable... parts) {
        int rows = requireMatrices(parts, "concatCols").value().dim(0);
        int cols = 0;
        for (Variable p : parts) {
            if (p.value().dim(0) != rows) {
                throw new IllegalArgumentException("concatCols: every part needs " + rows + " rows, got "
                        + shapes(parts));
            }
            cols += p.value().dim(1);
        }
        Tensor out = Tensor.zeros(rows, cols);
        int[] starts = new int[parts.length + 1];
        for (int k = 0; k < parts.length; k++) {
            starts[k + 1] = starts[k] + parts[k].value().dim(1);
            copyColumns(parts[k].value(), 0, out, starts[k], parts[k].value().dim(1));
        }
        return Variable.fromOp("concatCols", out, List.of(parts), List.of(), g -> {
            Tensor[] grads = new Tensor[parts.length];
            for (int k = 0; k < parts.length; k++) {
                if (parts[k].requiresGrad()) {
                    grads[k] = Tensor.zeros(parts[k].value().shape());
                    copyColumns(g, starts[k], grads[k], 0, grads[k].dim(1));
                }
            }
            return grads;
        });
    }

    /**
     * Rows [from, to) of a matrix.
     *
     * @param x the matrix
     * @param from the first row, inclusive
     * @param to the end row, exclusive
     * @return rows [from, to) of a matrix
     */
    public static Variable sliceRows(Variable x, int from, int to) {
        Tensor xv = x.value();
        Shapes.requireMatrix(xv, "sliceRows");
        int[] shape = xv.shape();
        return Variable.fromOp("sliceRows", xv.rows(from, to).copy(), List.of(x), List.of(), g -> {
            Tensor dx = Tensor.zeros(shape);
            dx.rows(from, to).copyFrom(g);
            return new Tensor[] {dx};
        });
    }

    /**
     * The same values, row-major, in another shape of the same size.
     *
     * @param x the input
     * @param shape the new shape, of the same size
     * @return the same values, row-major, in another shape of the same size
     */
    public static Variable reshape(Variable x, int... shape) {
        int[] from = x.value().shape();
        return Variable.fromOp("reshape", x.value().copy().reshape(shape), List.of(x), List.of(),
                g -> new Tensor[] {g.reshape(from)});
    }

    /**
     * The transpose of a matrix.
     *
     * @param x the matrix
     * @return the transpose of a matrix
     */
    public static Variable transpose(Variable x) {
        Shapes.requireMatrix(x.value(), "transpose");
        return Variable.fromOp("transpose", transposed(x.value()), List.of(x), List.of(),
                g -> new Tensor[] {transposed(g)});
    }

    private static Tensor transposed(Tensor t) {
        int rows = t.dim(0), cols = t.dim(1);
        Tensor out = Tensor.zeros(cols, rows);
        float[] td = t.array(), od = out.array();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                od[j * rows + i] = td[t.offset() + i * cols + j];
            }
        }
        out.markModified();
        return out;
    }

    /** Copies {@code width} columns of every row, from column {@code srcCol} of src to {@code dstCol} of dst. */
    private static void copyColumns(Tensor src, int srcCol, Tensor dst, int dstCol, int width) {
        for (int i = 0; i < src.dim(0); i++) {
            System.arraycopy(src.array(), src.offset() + i * src.dim(1) + srcCol,
                    dst.array(), dst.offset() + i * dst.dim(1) + dstCol, width);
        }
        dst.markModified();
    }

    private static Variable requireMatrices(Variable[] parts, String op) {
        if (parts.length == 0) {
            throw new IllegalArgumentException(op + ": needs at least one part");
        }
        for (Variable p : parts) {
            Shapes.requireMatrix(p.value(), op);
        }
        return parts[0];
    }

    private static String shapes(Variable[] parts) {
        StringBuilder sb = new StringBuilder();
        for (Variable p : parts) {
            sb.append(sb.isEmpty() ? "" : ", ").append(p.value().shapeString());
        }
        return sb.toString();
    }
}
