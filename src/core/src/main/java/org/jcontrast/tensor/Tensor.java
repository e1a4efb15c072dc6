package org.jcontrast.tensor;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jcontrast.internal.tensor.Shapes;

/**
 * A dense float32 tensor of rank 0, 1 or 2, stored row-major and contiguously in a {@code float[]}.
 *
 * <p>Views ({@link #row(int)}, {@link #rows(int, int)}, {@link #reshape(int...)}) share the storage
 * and its modification counter: writing through any of them bumps {@link #version()} for all, which
 * is how the autograd notices that a tensor it saved for the backward pass was changed.
 *
 * <p>Arithmetic follows IEEE 754: NaN and infinities propagate through every kernel and are never
 * silently replaced. Functions that must reject them (the losses, the normalisation with a
 * zero-norm check) say so in their own documentation.
 *
 * <p>Not thread-safe: threads may read one tensor at once, but a write needs exclusive access.
 */
public final class Tensor {
    private final float[] data;
    private final int offset;
    private final int[] shape;
    private final int size;
    private final int[] version;

    private Tensor(float[] data, int offset, int[] shape, int[] version) {
        this.data = data;
        this.offset = offset;
        this.shape = shape;
        this.size = Shapes.sizeOf(shape);
        this.version = version;
        if (offset < 0 || offset + size > data.length) {
            throw new IllegalArgumentException("shape " + Shapes.toString(shape) + " at offset " + offset
                    + " does not fit in an array of " + data.length + " floats");
        }
    }

    /**
     * Wraps {@code data} without copying; its length must equal the product of {@code shape}.
     *
     * @param data the values, row-major; shared, not copied
     * @param shape the dimensions, rank 0 to 2, each ≥ 0
     * @return a tensor over {@code data}
     */
    public static Tensor wrap(float[] data, int... shape) {
        Shapes.check(shape);
        if (Shapes.sizeOf(shape) != data.length) {
            throw new IllegalArgumentException("shape " + Shapes.toString(shape) + " needs "
                    + Shapes.sizeOf(shape) + " values, got " + data.length);
        }
        return new Tensor(data, 0, shape.clone(), new int[1]);
    }

    /**
     * A new tensor of zeros.
     *
     * @param shape the dimensions, rank 0 to 2, each ≥ 0
     * @return a new tensor of zeros
     */
    public static Tensor zeros(int... shape) {
        Shapes.check(shape);
        return new Tensor(new float[Shapes.sizeOf(shape)], 0, shape.clone(), new int[1]);
    }

    /**
     * A new tensor filled with {@code value}.
     *
     * @param value every element's value
     * @param shape the dimensions, rank 0 to 2, each ≥ 0
     * @return a new tensor filled with {@code value}
     */
    public static Tensor full(float value, int... shape) {
        Tensor t = zeros(shape);
        Arrays.fill(t.data, value);
        return t;
    }

    /**
     * A rank-0 tensor holding {@code value}.
     *
     * @param value the single element
     * @return a rank-0 tensor holding {@code value}
     */
    public static Tensor scalar(float value) {
        return wrap(new float[] {value});
    }

    /**
     * A rank-2 tensor copied from a rectangular array of rows.
     *
     * @param rows the rows, rectangular
     * @return a rank-2 tensor copied from a rectangular array of rows
     */
    public static Tensor fromRows(float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("fromRows needs at least one row");
        }
        int cols = rows[0].length;
        Tensor t = zeros(rows.length, cols);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != cols) {
                throw new IllegalArgumentException("row " + i + " has " + rows[i].length
                        + " values, row 0 has " + cols);
            }
            System.arraycopy(rows[i], 0, t.data, i * cols, cols);
        }
        return t;
    }

    /**
     * A tensor of independent standard normal values drawn from {@code random}.
     *
     * @param random the generator
     * @param shape the dimensions, rank 0 to 2, each ≥ 0
     * @return a tensor of independent standard normal values drawn from {@code random}
     */
    public static Tensor randn(SplittableRandom random, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i += 2) {
            // Box–Muller: two normals per pair of uniforms.
            double u = 1.0 - random.nextDouble();
            double v = random.nextDouble();
            double r = Math.sqrt(-2.0 * Math.log(u));
            t.data[i] = (float) (r * Math.cos(2 * Math.PI * v));
            if (i + 1 < t.size) {
                t.data[i + 1] = (float) (r * Math.sin(2 * Math.PI * v));
            }
        }
        return t;
    }

    /**
     * A tensor of independent values drawn uniformly from [lo, hi).
     *
     * @param random the generator
     * @param lo the lower bound, inclusive
     * @param hi the upper bound, exclusive
     * @param shape the dimensions, rank 0 to 2, each ≥ 0
     * @return a tensor of independent values drawn uniformly from [lo, hi)
     */
    public static Tensor uniform(SplittableRandom random, float lo, float hi, int... shape) {
        Tensor t = zeros(shape);
        for (int i = 0; i < t.size; i++) {
            t.data[i] = (float) (lo + (hi - lo) * random.nextDouble());
        }
        return t;
    }

    /**
     * Number of dimensions: 0, 1 or 2.
     *
     * @return number of dimensions: 0, 1 or 2
     */
    public int rank() {
        return shape.length;
    }

    /**
     * A copy of the shape.
     *
     * @return a copy of the shape
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * Size of dimension {@code d}.
     *
     * @param d the dimension, 0 ≤ d &lt; rank
     * @return size of dimension {@code d}
     */
    public int dim(int d) {
        return shape[d];
    }

    /**
     * Rows of the matrix view: {@code shape[0]} for rank 2, 1 otherwise.
     *
     * @return rows of the matrix view: {@code shape[0]} for rank 2, 1 otherwise
     */
    public int rows() {
        return shape.length == 2 ? shape[0] : 1;
    }

    /**
     * Columns of the matrix view: the last dimension, or 1 for a scalar.
     *
     * @return columns of the matrix view: the last dimension, or 1 for a scalar
     */
    public int cols() {
        return shape.length == 0 ? 1 : shape[shape.length - 1];
    }

    /**
     * Total number of elements.
     *
     * @return total number of elements
     */
    public int size() {
        return size;
    }

    /**
     * True when both tensors have the same shape.
     *
     * @param other the other tensor
     * @return true when both tensors have the same shape
     */
    public boolean sameShape(Tensor other) {
        return Arrays.equals(shape, other.shape);
    }

    /**
     * The shape as text, e.g. {@code [4, 128]}.
     *
     * @return the shape as text
     */
    public String shapeString() {
        return Shapes.toString(shape);
    }

    /**
     * The backing array, shared with every view. Kernels read and write it directly from
     * {@link #offset()}; code that writes through it must call {@link #markModified()}.
     *
     * @return the backing array, shared with every view
     */
    public float[] array() {
        return data;
    }

    /**
     * Index in {@link #array()} of the first element.
     *
     * @return index in {@link #array()} of the first element
     */
    public int offset() {
        return offset;
    }

    /**
     * Counter bumped on every write through this tensor or any view of its storage.
     *
     * @return counter bumped on every write through this tensor or any view of its storage
     */
    public int version() {
        return version[0];
    }

    /** Records a write made through {@link #array()}. */
    public void markModified() {
        version[0]++;
    }

    /**
     * Element {@code i} in row-major order.
     *
     * @param i the row-major index
     * @return element {@code i} in row-major order
     */
    public float get(int i) {
        return data[offset + Shapes.checkIndex(i, size)];
    }

    /**
     * Element (i, j) of a rank-2 tensor.
     *
     * @param i the row
     * @param j the column
     * @return element (i, j) of a rank-2 tensor
     */
    public float get(int i, int j) {
        requireRank(2, "get(i, j)");
        return data[offset + Shapes.checkIndex(i, shape[0]) * shape[1] + Shapes.checkIndex(j, shape[1])];
    }

    /**
     * The single value of a tensor with one element.
     *
     * @return the single value of a tensor with one element
     */
    public float item() {
        if (size != 1) {
            throw new IllegalArgumentException("item() needs one element, shape is " + shapeString());
        }
        return data[offset];
    }

    /**
     * Sets element {@code i} in row-major order.
     *
     * @param i the row-major index
     * @param value the new value
     */
    public void set(int i, float value) {
        data[offset + Shapes.checkIndex(i, size)] = value;
        version[0]++;
    }

    /**
     * Sets element (i, j) of a rank-2 tensor.
     *
     * @param i the row
     * @param j the column
     * @param value the new value
     */
    public void set(int i, int j, float value) {
        requireRank(2, "set(i, j)");
        data[offset + Shapes.checkIndex(i, shape[0]) * shape[1] + Shapes.checkIndex(j, shape[1])] = value;
        version[0]++;
    }

    /**
     * Sets every element to {@code value}.
     *
     * @param value the new value
     */
    public void fill(float value) {
        Arrays.fill(data, offset, offset + size, value);
        version[0]++;
    }

    /**
     * Copies {@code src} (same shape) into this tensor.
     *
     * @param src the tensor to copy, this tensor's shape
     */
    public void copyFrom(Tensor src) {
        Shapes.requireSame(this, src, "copyFrom");
        System.arraycopy(src.data, src.offset, data, offset, size);
        version[0]++;
    }

    /**
     * Row {@code i} of a rank-2 tensor as a rank-1 view sharing storage.
     *
     * @param i the row
     * @return row {@code i} of a rank-2 tensor as a rank-1 view sharing storage
     */
    public Tensor row(int i) {
        requireRank(2, "row(i)");
        Shapes.checkIndex(i, shape[0]);
        return new Tensor(data, offset + i * shape[1], new int[] {shape[1]}, version);
    }

    /**
     * Rows {@code [from, to)} of a rank-2 tensor as a view sharing storage.
     *
     * @param from the first row, inclusive
     * @param to the end row, exclusive
     * @return rows {@code [from, to)} of a rank-2 tensor as a view sharing storage
     */
    public Tensor rows(int from, int to) {
        requireRank(2, "rows(from, to)");
        if (from < 0 || to > shape[0] || from > to) {
            throw new IllegalArgumentException("rows [" + from + ", " + to + ") out of range for shape "
                    + shapeString());
        }
        return new Tensor(data, offset + from * shape[1], new int[] {to - from, shape[1]}, version);
    }

    /**
     * A view with another shape of the same size.
     *
     * @param newShape the new shape, of the same size
     * @return a view with another shape of the same size
     */
    public Tensor reshape(int... newShape) {
        Shapes.check(newShape);
        if (Shapes.sizeOf(newShape) != size) {
            throw new IllegalArgumentException("cannot reshape " + shapeString() + " to "
                    + Shapes.toString(newShape));
        }
        return new Tensor(data, offset, newShape.clone(), version);
    }

    /**
     * A new tensor with a copy of the data.
     *
     * @return a new tensor with a copy of the data
     */
    public Tensor copy() {
        return new Tensor(toArray(), 0, shape.clone(), new int[1]);
    }

    /**
     * The elements in row-major order, copied.
     *
     * @return the elements in row-major order, copied
     */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /**
     * The rows of a rank-2 tensor, copied into new arrays.
     *
     * @return the rows of a rank-2 tensor, copied into new arrays
     */
    public float[][] toRows() {
        requireRank(2, "toRows()");
        float[][] out = new float[shape[0]][];
        for (int i = 0; i < shape[0]; i++) {
            out[i] = Arrays.copyOfRange(data, offset + i * shape[1], offset + (i + 1) * shape[1]);
        }
        return out;
    }

    /**
     * Copies the rows of a rank-2 tensor into {@code rows}, which must have its shape.
     *
     * @param rows receives the rows, this tensor's shape
     */
    public void copyToRows(float[][] rows) {
        checkRows(rows, "copyToRows(rows)");
        for (int i = 0; i < shape[0]; i++) {
            System.arraycopy(data, offset + i * shape[1], rows[i], 0, shape[1]);
        }
    }

    /**
     * Copies rows (of this rank-2 tensor's shape) into it.
     *
     * @param rows the rows to copy, this tensor's shape
     */
    public void copyFromRows(float[][] rows) {
        checkRows(rows, "copyFromRows(rows)");
        for (int i = 0; i < shape[0]; i++) {
            System.arraycopy(rows[i], 0, data, offset + i * shape[1], shape[1]);
        }
        version[0]++;
    }

    /**
     * The elements widened to float64, in row-major order.
     *
     * @return the elements widened to float64, in row-major order
     */
    public double[] toDoubleArray() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = data[offset + i];
        }
        return out;
    }

    private void checkRows(float[][] rows, String what) {
        requireRank(2, what);
        if (rows.length != shape[0]) {
            throw new IllegalArgumentException(what + ": " + rows.length + " rows for a tensor of shape " + shapeString());
        }
        for (int i = 0; i < shape[0]; i++) {
            if (rows[i].length != shape[1]) {
                throw new IllegalArgumentException(what + ": row " + i + " has " + rows[i].length
                        + " values, the tensor " + shapeString() + " has " + shape[1] + " per row");
            }
        }
    }

    /**
     * Throws unless the tensor has the given rank.
     *
     * @param expected the rank required
     * @param what the operation, for the message
     */
    public void requireRank(int expected, String what) {
        if (shape.length != expected) {
            throw new IllegalArgumentException(what + " needs a rank-" + expected + " tensor, got shape "
                    + shapeString());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor").append(shapeString()).append(' ');
        int shown = Math.min(size, 8);
        sb.append('[');
        for (int i = 0; i < shown; i++) {
            sb.append(i == 0 ? "" : ", ").append(data[offset + i]);
        }
        return sb.append(size > shown ? ", ...]" : "]").toString();
    }
}
