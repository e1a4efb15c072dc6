package org.jcontrast.internal.tensor;

import java.util.Arrays;
import org.jcontrast.tensor.Tensor;

/** Shape checks whose messages name both shapes, so misuse is diagnosed at the call that made it. */
public final class Shapes {
    private Shapes() {
    }

    /** Throws unless {@code a} and {@code b} have the same shape. */
    public static void requireSame(Tensor a, Tensor b, String op) {
        if (!a.sameShape(b)) {
            throw new IllegalArgumentException(op + ": shapes differ, " + a.shapeString() + " vs "
                    + b.shapeString());
        }
    }

    /** Throws unless {@code t} is a matrix. */
    public static void requireMatrix(Tensor t, String op) {
        t.requireRank(2, op);
    }

    /** Product of the dimensions (1 for rank 0). */
    public static int sizeOf(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n *= d;
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape " + toString(shape) + " has more than 2^31 elements");
        }
        return (int) n;
    }

    /** Throws unless the shape has rank ≤ 2 and no negative dimension. */
    public static void check(int[] shape) {
        if (shape.length > 2) {
            throw new IllegalArgumentException("tensors have rank 0, 1 or 2; got shape " + toString(shape));
        }
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + toString(shape));
            }
        }
    }

    public static int checkIndex(int i, int bound) {
        if (i < 0 || i >= bound) {
            throw new IndexOutOfBoundsException("index " + i + " out of bounds for length " + bound);
        }
        return i;
    }

    /** The shape as text, e.g. {@code [4, 128]}. */
    public static String toString(int[] shape) {
        return Arrays.toString(shape);
    }
}
