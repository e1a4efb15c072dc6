package org.jcontrast.loss;

import org.jcontrast.kernel.ArrayKernel;
import org.jcontrast.kernel.KernelProvider;
import org.jcontrast.kernel.Parallel;
import org.jcontrast.tensor.Tensor;

/**
 * The materialised kernels' anchor pass: a matrix holding every anchor's row of similarities
 * (laid out as {@link AnchorRule} describes) becomes, in place, the matrix of ∂L/∂s_ab. Rows run
 * in parallel; each row is masked and scaled by one scalar pass, then reduced and exponentiated by
 * the SIMD primitives, so the only per-entry logic is the rule's classification.
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
                    + rule.spec() + ", got " + rows.shapeString());
        }
        double[] losses = new double[anchors];
        float[] x = rows.array();
        int base = rows.offset();
        Parallel.forRange(anchors, Math.max(1, CHUNK_ENTRIES / cols), (from, to) -> {
            AnchorStats st = new AnchorStats();
            float[] scratch = new float[cols];
            int[] positives = new int[cols];
            for (int a = from; a < to; a++) {
                losses[a] = row(rule, a, x, base + a * cols, st, scratch, positives);
            }
        });
        rows.markModified();
        double total = 0;
        for (double l : losses) {
            total += l;
        }
        return total;
    }

    /** One anchor's row, in place; returns its share of the loss. */
    private static double row(AnchorRule rule, int a, float[] x, int off, AnchorStats st, float[] scratch,
                              int[] positives) {
        int cols = rule.columns();
        rule.begin(a, st);
        if (rule.selects()) {
            HardSelection.select(rule, a, x, off, st, scratch);
        }
        boolean linear = rule.linear();
        float beta = (float) rule.beta();
        int np = 0;
        // Summed entries become their logit (linear losses: 1), the others −∞ (linear: 0), so that
        // the reductions below see exactly the anchor's sum.
        for (int b = 0; b < cols; b++) {
            float s = x[off + b];
            int f = rule.observe(a, b, s, st);
            if ((f & AnchorRule.POSITIVE) != 0) {
                positives[np++] = b;
            }
            boolean summed = (f & AnchorRule.SUMMED) != 0;
            x[off + b] = linear ? (summed ? 1f : 0f) : (summed ? beta * s : Float.NEGATIVE_INFINITY);
        }
        ArrayKernel k = KernelProvider.get().array();
        if (!linear) {
            float m = k.max(x, off, cols);
            st.addPartition(m, k.sumExp(x, off, m, cols));
        }
        rule.finish(st);
        if (linear) {
            k.affine((float) st.negativeGradient(), x, off, 0f, x, off, cols);
        } else {
            k.exp(x, off, (float) st.lse(), x, off, cols);
            k.affine((float) st.softmaxScale(), x, off, 0f, x, off, cols);
        }
        float pg = (float) st.positiveGradient();
        for (int i = 0; i < np; i++) {
            x[off + positives[i]] += pg;
        }
        return st.loss();
    }
}
