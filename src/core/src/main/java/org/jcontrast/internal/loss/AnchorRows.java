package org.jcontrast.internal.loss;

import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.tensor.Tensor;

/**
 * The materialised kernels' anchor pass: a matrix holding every anchor's row of similarities
 * (laid out as {@link AnchorRule} describes) becomes, in place, the matrix of ∂L/∂s_ab. Rows run
 * in parallel; each row is one run of the rule's run-level API: observed on a scratch copy, then
 * finished and turned into its gradient.
 */
public final class AnchorRows {
    /** Rows per parallel chunk are chosen so that a chunk holds about this many entries. */
    private static final int CHUNK_ENTRIES = 1 << 14;

    private AnchorRows() {
    }

    /**
     * Replaces each row a of {@code rows} ([anchors, columns] of the rule) by ∂L/∂s_a· and returns
     * the loss, summed over anchors in a fixed order.
     */
    public static double apply(AnchorRule rule, Tensor rows) {
        int anchors = rule.anchors(), cols = rule.columns();
        if (rows.rank() != 2 || rows.dim(0) != anchors || rows.dim(1) != cols) {
            throw new IllegalArgumentException("anchor rows: expected [" + anchors + ", " + cols + "] for "
                    + rule.options() + ", got " + rows.shapeString());
        }
        double[] losses = new double[anchors];
        float[] x = rows.array();
        int base = rows.offset();
        Parallel.forRange(anchors, Math.max(1, CHUNK_ENTRIES / cols), (from, to) -> {
            AnchorStats st = new AnchorStats();
            float[] scratch = new float[rule.selects() ? 2 * cols : cols];
            for (int a = from; a < to; a++) {
                int off = base + a * cols;
                rule.begin(a, st);
                if (rule.selects()) {
                    HardSelection.select(rule, a, x, off, st, scratch);
                }
                System.arraycopy(x, off, scratch, 0, cols);
                rule.observeRun(a, 0, cols, scratch, 0, st);
                rule.finish(st);
                rule.gradientRun(a, 0, cols, x, off, st);
                losses[a] = st.loss();
            }
        });
        rows.markModified();
        double total = 0;
        for (double l : losses) {
            total += l;
        }
        return total;
    }
}
