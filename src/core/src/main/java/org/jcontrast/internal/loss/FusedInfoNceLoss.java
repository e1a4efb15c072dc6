package org.jcontrast.internal.loss;

import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * InfoNCE against a constant memory bank: each query's row holds its M bank similarities and, in
 * column M, the similarity to its positive key. The bank is extended by a zero row so that one
 * product Q·[B; 0]ᵀ lays out the rows and one product G·[B; 0] returns the bank part of ∂L/∂Q;
 * the positive column's gradient reaches the query and its key by a per-row update.
 */
final class FusedInfoNceLoss extends FusedLoss {

    FusedInfoNceLoss(LossOptions spec) {
        super(spec);
    }

    @Override
    double lossAndFeatureGradient(Tensor f, int n, Tensor df) {
        Tensor bank = normalize(LossInputs.bank(spec, null));
        int m = bank.dim(0), d = f.dim(1);
        Tensor keys = Tensor.zeros(m + 1, d);
        System.arraycopy(bank.array(), bank.offset(), keys.array(), 0, m * d);
        AnchorRule rule = AnchorRule.of(spec, n, m, null);
        int anchors = rule.anchors();
        Tensor queries = f.rows(0, anchors);
        Tensor rows = Ops.matmul(queries, false, keys, true);
        float[] rd = rows.array();
        float[] pairs = pairSimilarities(f, n);
        for (int a = 0; a < anchors; a++) {
            rd[a * (m + 1) + m] = pairs[a % n];
        }
        rows.markModified();
        double loss = AnchorRows.apply(rule, rows);
        Ops.matmulInto(1f, rows, false, keys, false, 0f, df.rows(0, anchors));
        float[] positiveGradient = new float[anchors];
        for (int a = 0; a < anchors; a++) {
            positiveGradient[a] = rd[a * (m + 1) + m];
        }
        addPositivePairs(f, n, anchors, positiveGradient, df);
        return loss;
    }

    /**
     * Adds the positive pairs' part of ∂L/∂F, given ∂L/∂s of each anchor's positive entry. Sample i
     * meets its partner p(i) as a query (when i is an anchor) and as the key of p(i) (when p(i) is
     * one): both terms send the partner's features, times ∂L/∂s of that pair.
     */
    static void addPositivePairs(Tensor f, int n, int anchors, float[] positiveGradient, Tensor df) {
        int d = f.dim(1);
        float[] fd = f.array(), g = df.array();
        int fo = f.offset(), go = df.offset();
        Parallel.forRange(2 * n, Math.max(1, 4096 / d), (from, to) -> {
            ArrayKernel k = Context.current().kernels().array();
            for (int i = from; i < to; i++) {
                int p = i < n ? i + n : i - n;
                float coef = (i < anchors ? positiveGradient[i] : 0f) + (p < anchors ? positiveGradient[p] : 0f);
                k.axpy(coef, fd, fo + p * d, g, go + i * d, d);
            }
        });
        df.markModified();
    }
}
