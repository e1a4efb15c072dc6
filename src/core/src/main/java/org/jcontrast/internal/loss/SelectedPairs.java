package org.jcontrast.internal.loss;

import java.util.Arrays;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.tensor.Tensor;

/**
 * The rest of a one-tower hard loss with a top-K selection once {@link CandidateHeaps} hold every
 * anchor's K selected negatives: only those and the positive are in the anchor's sum and carry
 * gradient, so the loss and ∂L/∂F follow from the heaps in O(N·K·d), without another dense pass.
 * Each selected s_ab sends ∂L/∂s_ab·f_b to anchor a and ∂L/∂s_ab·f_a to sample b; the second part
 * is gathered per sample b through the transposed list of selections, so every gradient row is
 * written by one task, in a fixed order.
 */
final class SelectedPairs {
    private SelectedPairs() {
    }

    /**
     * Finishes the anchors (begun, with their selection fixed from {@code heaps}), writes ∂L/∂F into
     * the zero-filled {@code df} and returns the loss; its working arrays come from {@code workspace}.
     */
    static double lossAndGradient(AnchorRule rule, Tensor f, float[] pairSimilarity, CandidateHeaps heaps,
                                  AnchorStats[] stats, Tensor df, LossWorkspace workspace) {
        int anchors = rule.anchors(), n = anchors / 2, k = heaps.rank(), d = f.dim(1);
        // ∂L/∂s of each kept negative (anchor-major), then of each anchor's positive.
        float[] g = workspace.floats(anchors * k + anchors);
        int positives = anchors * k;
        Parallel.forRange(anchors, 64, (from, to) -> {
            double[] logits = new double[k + 1];
            for (int a = from; a < to; a++) {
                AnchorStats st = stats[a];
                int p = a < n ? a + n : a - n;
                float sp = pairSimilarity[a % n];
                int summed = 0;
                if ((rule.observe(a, p, sp, st) & AnchorRule.SUMMED) != 0) {
                    logits[summed++] = rule.beta() * sp;
                }
                for (int e = 0; e < k; e++) {
                    float s = heaps.value(a, e);
                    if ((rule.observe(a, heaps.column(a, e), s, st) & AnchorRule.SUMMED) != 0) {
                        logits[summed++] = rule.beta() * s;
                    }
                }
                if (!rule.linear()) {
                    mergePartition(logits, summed, st);
                }
                rule.finish(st);
                g[positives + a] = (float) rule.gradient(a, p, sp, st);
                for (int e = 0; e < k; e++) {
                    g[a * k + e] = (float) rule.gradient(a, heaps.column(a, e), heaps.value(a, e), st);
                }
            }
        });
        int[] selections = transposedSelections(heaps, anchors, workspace);
        int entries = 2 * (anchors + 1);
        float[] fa = f.array(), ga = df.array();
        int fo = f.offset(), go = df.offset();
        Parallel.forRange(anchors, 64, (from, to) -> {
            ArrayKernel kern = Context.current().kernels().array();
            for (int b = from; b < to; b++) {
                int row = go + b * d;
                int p = b < n ? b + n : b - n;
                kern.axpy(g[positives + b] + g[positives + p], fa, fo + p * d, ga, row, d);
                for (int e = 0; e < k; e++) {
                    kern.axpy(g[b * k + e], fa, fo + heaps.column(b, e) * d, ga, row, d);
                }
                for (int q = selections[b]; q < selections[b + 1]; q++) {
                    int entry = selections[entries + q];
                    kern.axpy(g[entry], fa, fo + (entry / k) * d, ga, row, d);
                }
            }
        });
        df.markModified();
        double loss = 0;
        for (AnchorStats st : stats) {
            loss += st.loss();
        }
        return loss;
    }

    private static void mergePartition(double[] logits, int count, AnchorStats st) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < count; i++) {
            max = Math.max(max, logits[i]);
        }
        double sum = 0;
        for (int i = 0; i < count; i++) {
            sum += Math.exp(logits[i] - max);
        }
        st.addPartition(max, sum);
    }

    /**
     * For each sample b, the heap entries (a·K + e) that selected it, in increasing order: the
     * returned array holds the starts (anchors + 1 of them), a copy used while filling, then the
     * entries, sample b's at {@code [start[b], start[b+1])} past the first 2·(anchors + 1).
     */
    private static int[] transposedSelections(CandidateHeaps heaps, int anchors, LossWorkspace workspace) {
        int k = heaps.rank(), next = anchors + 1, entries = 2 * (anchors + 1);
        int[] t = workspace.ints(entries + anchors * k);
        Arrays.fill(t, 0, anchors + 1, 0);
        for (int a = 0; a < anchors; a++) {
            for (int e = 0; e < k; e++) {
                t[heaps.column(a, e) + 1]++;
            }
        }
        for (int b = 0; b < anchors; b++) {
            t[b + 1] += t[b];
        }
        System.arraycopy(t, 0, t, next, anchors + 1);
        for (int a = 0; a < anchors; a++) {
            for (int e = 0; e < k; e++) {
                t[entries + t[next + heaps.column(a, e)]++] = a * k + e;
            }
        }
        return t;
    }
}
