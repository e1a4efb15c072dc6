package org.jcontrast.internal.loss;

import java.util.concurrent.atomic.AtomicInteger;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;

/**
 * The checks every loss implementation runs before computing, so bad input fails the same way,
 * with a message naming the problem, whatever the implementation.
 */
public final class LossInputs {
    /** How far from 1 a row's norm may be when the caller says the rows are unit-norm. */
    private static final double UNIT_TOLERANCE = 1e-3;
    /**
     * Elements a thread checks at least (about 0.2 ms of work): smaller inputs are checked on the
     * calling thread, where a parallel section would cost more than it saves.
     */
    private static final long CHECK_GRAIN = 1 << 18;

    private LossInputs() {
    }

    /**
     * Throws {@link IllegalArgumentException} unless z1 and z2 are valid inputs for {@code spec}:
     * matrices of one shape [N, d] with N ≥ 2 (N ≥ 1 for InfoNCE with a non-empty bank), finite
     * values, no zero-norm row unless the spec accepts them, unit rows where the spec claims so, and
     * the options the kind needs (labels for SupCon, a bank for InfoNCE, a selection for HardSimple).
     * The bank's rows are checked by {@link #bank}, on the copy the loss takes of them.
     */
    public static void validate(LossOptions spec, Tensor z1, Tensor z2) {
        requireViews(spec, z1, z2);
        checkRows(spec, z1, "z1");
        checkRows(spec, z2, "z2");
    }

    /**
     * The part of {@link #validate} that reads no element: the views' shapes and the spec's options.
     * Enough for choosing an implementation, whose own {@link #validate} then checks the rows.
     */
    public static void requireViews(LossOptions spec, Tensor z1, Tensor z2) {
        LossKind kind = spec.kind();
        if (z1.rank() != 2 || z2.rank() != 2) {
            throw new IllegalArgumentException(kind.cliName() + ": the views must be [N, d] matrices, got "
                    + z1.shapeString() + " and " + z2.shapeString());
        }
        if (!z1.sameShape(z2)) {
            throw new IllegalArgumentException(kind.cliName() + ": the two views must have the same shape, got "
                    + z1.shapeString() + " and " + z2.shapeString());
        }
        int n = z1.dim(0), d = z1.dim(1);
        if (d < 1) {
            throw new IllegalArgumentException(kind.cliName() + ": the embeddings have no columns " + z1.shapeString());
        }
        int minRows = kind == LossKind.INFONCE ? 1 : 2;
        if (n < minRows) {
            throw new IllegalArgumentException(kind.cliName() + ": needs at least " + minRows
                    + " rows per view so that every anchor has a negative, got N = " + n);
        }
        checkOptions(spec, n, d);
    }

    /**
     * The memory bank's rows, copied (into {@code buffer} where it has their size, see
     * {@link MemoryBank#snapshot(float[])}) and checked as {@link #validate} checks the views: the
     * rows checked are the rows the loss uses, whatever another thread enqueues meanwhile.
     */
    public static Tensor bank(LossOptions spec, float[] buffer) {
        Tensor bank = spec.bank().snapshot(buffer);
        checkRows(spec, bank, "the memory bank");
        return bank;
    }

    /** Throws unless {@code grad1} and {@code grad2} have the shape of the views, {@code z}'s. */
    public static void requireGradientShapes(LossOptions spec, Tensor z, Tensor grad1, Tensor grad2) {
        if (!grad1.sameShape(z) || !grad2.sameShape(z)) {
            throw new IllegalArgumentException(spec.kind().cliName() + ": the gradient buffers must have the views' shape "
                    + z.shapeString() + ", got " + grad1.shapeString() + " and " + grad2.shapeString());
        }
    }

    private static void checkOptions(LossOptions spec, int n, int d) {
        LossKind kind = spec.kind();
        String name = kind.cliName();
        boolean selects = spec.selection() != null;
        if (selects && !kind.selectsNegatives()) {
            throw new IllegalArgumentException(name + ": top-K and quantile apply to hard and hardsimple only");
        }
        if (kind.selectsNegatives() && !selects) {
            throw new IllegalArgumentException(name + ": needs a selection of negatives, top-K or a quantile");
        }
        if (spec.negativeSet() != NegativeSet.ALL
                && kind != LossKind.HARD && kind != LossKind.SIMPLE && kind != LossKind.HARDSIMPLE) {
            throw new IllegalArgumentException(name + ": the negative set applies to hard, simple and hardsimple only");
        }
        if (!Double.isNaN(spec.lambda()) && kind != LossKind.SIMPLE && kind != LossKind.HARDSIMPLE) {
            throw new IllegalArgumentException(name + ": lambda applies to simple and hardsimple only");
        }
        int[] labels = spec.labels();
        if (kind == LossKind.SUPCON) {
            if (labels == null) {
                throw new IllegalArgumentException("supcon: needs labels, one per row of a view");
            }
            if (labels.length != n) {
                throw new IllegalArgumentException("supcon: " + labels.length + " labels for " + n
                        + " rows per view; give one label per row");
            }
        } else if (labels != null) {
            throw new IllegalArgumentException(name + ": labels apply to supcon only");
        }
        MemoryBank bank = spec.bank();
        if (kind == LossKind.INFONCE) {
            if (bank == null) {
                throw new IllegalArgumentException("infonce: needs a memory bank of negatives");
            }
            if (bank.dim() != d) {
                throw new IllegalArgumentException("infonce: the memory bank has dimension " + bank.dim()
                        + " but the embeddings have " + d);
            }
            if (bank.size() == 0) {
                throw new IllegalArgumentException("infonce: the memory bank is empty; enqueue keys first");
            }
        } else if (bank != null) {
            throw new IllegalArgumentException(name + ": a memory bank applies to infonce only");
        }
    }

    /**
     * Throws for the first row of {@code z} (in row order) that is not finite, has zero norm where
     * the spec does not accept it, or is not unit-norm where the spec claims so. The rows are
     * checked in parallel chunks and the first bad row of all is reported, as a serial check would.
     */
    private static void checkRows(LossOptions spec, Tensor z, String what) {
        int n = z.dim(0);
        AtomicInteger firstBad = new AtomicInteger(n);
        Parallel.forRange(n, (int) Math.max(1, CHECK_GRAIN / z.dim(1)), (from, to) -> {
            int bad = firstBadRow(spec, z, from, to);
            if (bad >= 0) {
                firstBad.accumulateAndGet(bad, Math::min);
            }
        });
        if (firstBad.get() < n) {
            throw new IllegalArgumentException(rowProblem(spec, z, firstBad.get(), what));
        }
    }

    /** The first row in [from, to) with a {@link #rowProblem}, or −1. */
    private static int firstBadRow(LossOptions spec, Tensor z, int from, int to) {
        for (int i = from; i < to; i++) {
            if (rowProblem(spec, z, i, "") != null) {
                return i;
            }
        }
        return -1;
    }

    /** What is wrong with row {@code i} of {@code z} (called {@code what} in the message), or null. */
    private static String rowProblem(LossOptions spec, Tensor z, int i, String what) {
        int d = z.dim(1);
        float[] a = z.array();
        int off = z.offset() + i * d;
        double s = 0;
        for (int j = 0; j < d; j++) {
            float v = a[off + j];
            if (!Float.isFinite(v)) {
                return spec.kind().cliName() + ": " + what + " row " + i + " has "
                        + (Float.isNaN(v) ? "NaN" : "an infinite value") + " at column " + j;
            }
            s += (double) v * v;
        }
        double norm = Math.sqrt(s);
        if (spec.normalizedInputs() && Math.abs(norm - 1) > UNIT_TOLERANCE) {
            return spec.kind().cliName() + ": the rows were said to be unit-norm but " + what + " row " + i
                    + " has norm " + (float) norm;
        }
        if (norm == 0 && !spec.zeroRowsAllowed()) {
            return spec.kind().cliName() + ": " + what + " row " + i
                    + " has zero norm, so it has no direction; remove it, or pass an explicit eps to normalise "
                    + "it to zeros as PyTorch's F.normalize does";
        }
        return null;
    }
}
