package org.jcontrast.loss;

import org.jcontrast.kernel.ArrayKernel;
import org.jcontrast.kernel.KernelProvider;
import org.jcontrast.kernel.Parallel;
import org.jcontrast.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * InfoNCE against a constant memory bank: each query's row holds its M bank similarities and, in
 * column M, the similarity to its positive key. The bank is extended by a zero row so that one
 * product Q·[B; 0]ᵀ lays out the rows and one product G·[B; 0] returns the bank part of ∂L/∂Q;
 * the positive column's gradient reaches the query and its key by a per-row update.
 */
final class FusedInfoNceLoss extends FusedLoss {

    FusedInfoNceLoss(LossSpec spec) {
        super(spec);
    }

    @Override
    double lossAndFeatureGradient(Tensor f, int n, Tensor df) {
        Tensor bank = normalize(spec.bank().snapshot());
        int m = bank.dim(0), d = f.dim(1);
        Tensor keys = Tensor.zeros(m + 1, d);
        System.arraycopy(bank.array(), bank.offset(), keys.array(), 0, m * d);
        AnchorRule rule = AnchorRule.of(spec, n, m, null);
        int anchors = rule.anchors();
        Tensor queries = f.rows(0, anchors);
        Tensor rows = Ops.matmul(queries, false, keys, true);
        float[] fd = f.array(), rd = rows.array();
        int fo = f.offset();
        ArrayKernel k = KernelProvider.get().array();
        for (int a = 0; a < anchors; a++) {
            rd[a * (m + 1) + m] = k.dot(fd, fo + a * d, fd, fo + partner(a, n) * d, d);
        }
        rows.markModified();
        double loss = AnchorRows.apply(rule, rows);
        Ops.matmulInto(1f, rows, false, keys, false, 0f, df.rows(0, anchors));
        // Sample i meets its partner p(i) as a query (when i is an anchor) and as the key of p(i)
        // (when p(i) is one): both terms send the partner's features, times ∂L/∂s of that pair.
        float[] g = df.array();
        int go = df.offset();
        Parallel.forRange(2 * n, Math.max(1, 4096 / d), (from, to) -> {
            for (int i = from; i < to; i++) {
                int p = partner(i, n);
                float coef = (i < anchors ? rd[i * (m + 1) + m] : 0f) + (p < anchors ? rd[p * (m + 1) + m] : 0f);
                k.axpy(coef, fd, fo + p * d, g, go + i * d, d);
            }
        });
        df.markModified();
        return loss;
    }

    private static int partner(int a, int n) {
        return a < n ? a + n : a - n;
    }
}
