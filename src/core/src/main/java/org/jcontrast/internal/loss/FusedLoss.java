package org.jcontrast.internal.loss;

import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;

/**
 * What the fused losses (materialised and streaming) share: validation, the stacked and normalised
 * features [view 1 | view 2], the positive pairs' similarities, CLIP's logit-scale gradient, and
 * the way back from ∂L/∂features to ∂L/∂z through the normalisation.
 */
abstract class FusedLoss implements LossImplementation {
    final LossOptions spec;

    FusedLoss(LossOptions spec) {
        this.spec = spec;
    }

    @Override
    public final LossOptions options() {
        return spec;
    }

    @Override
    public final LossResult compute(Tensor z1, Tensor z2) {
        LossInputs.validate(spec, z1, z2);
        int n = z1.dim(0);
        // Both gradients in one [2N, d] array that first holds ∂L/∂f: at 2N = 2^20, d = 128 that
        // saves a 512 MiB buffer.
        Tensor dz = Tensor.zeros(2 * n, z1.dim(1)), dz1 = dz.rows(0, n), dz2 = dz.rows(n, 2 * n);
        double[] logitScaleGradient = new double[1];
        double loss = lossAndGradients(z1, z2, dz, dz1, dz2, logitScaleGradient);
        return new LossResult(loss, dz1, dz2, logitScaleGradient[0]);
    }

    @Override
    public final double computeInto(Tensor z1, Tensor z2, Tensor grad1, Tensor grad2) {
        LossInputs.validate(spec, z1, z2);
        LossInputs.requireGradientShapes(spec, z1, grad1, grad2);
        return lossAndGradients(z1, z2, null, grad1, grad2, new double[1]);
    }

    /**
     * The loss, ∂L/∂z1 and ∂L/∂z2 written into {@code dz1} and {@code dz2}, and CLIP's ∂L/∂t into
     * {@code dt[0]}. When {@code stacked} (new zeros) is not null, dz1 and dz2 are its two halves and ∂L/∂f is
     * computed there and turned into ∂L/∂z in place (row by row, each row read before it is written).
     */
    private double lossAndGradients(Tensor z1, Tensor z2, Tensor stacked, Tensor dz1, Tensor dz2, double[] dt) {
        int n = z1.dim(0), d = z1.dim(1);
        LossWorkspace ws = LossWorkspace.thread();
        boolean own = ws.depth == 0;
        Tensor f = own ? ws.features(2 * n, d) : Tensor.zeros(2 * n, d);
        boolean reused = stacked == null && own;
        Tensor df = stacked != null ? stacked : reused ? ws.gradient(2 * n, d) : Tensor.zeros(2 * n, d);
        ws.depth++;
        try {
            normalizeInto(z1, f.rows(0, n));
            normalizeInto(z2, f.rows(n, 2 * n));
            if (reused) { // any other df is new zeros
                df.fill(0f);
            }
            double loss = lossAndFeatureGradient(f, n, df);
            dt[0] = logitScaleGradient(f, df, n);
            rawGradientInto(z1, df.rows(0, n), dz1);
            rawGradientInto(z2, df.rows(n, 2 * n), dz2);
            return loss;
        } finally {
            ws.depth--;
        }
    }

    /**
     * One begun {@link AnchorStats} per anchor of {@code rule}, for the streaming losses: this
     * thread's kept ones when the call is not nested in another (see {@link LossWorkspace}).
     */
    static AnchorStats[] beginStats(AnchorRule rule) {
        AnchorStats[] stats = LossWorkspace.ofCall().stats(rule.anchors());
        for (int a = 0; a < stats.length; a++) {
            rule.begin(a, stats[a]);
        }
        return stats;
    }

    private void normalizeInto(Tensor z, Tensor out) {
        if (spec.normalizedInputs()) {
            out.copyFrom(z);
        } else {
            Ops.normalizeRowsInto(z, spec.eps(), out);
        }
    }

    /** ∂L/∂z from ∂L/∂f through the normalisation f = z / max(‖z‖, eps), written into {@code dz}. */
    private void rawGradientInto(Tensor z, Tensor df, Tensor dz) {
        if (spec.normalizedInputs()) {
            dz.copyFrom(df);
        } else {
            Ops.normalizeRowsBackwardInto(z, df, spec.eps(), dz);
        }
    }

    /** Rows as the loss sees them: z / max(‖z‖, eps), or as given when they are said to be unit-norm. */
    final Tensor normalize(Tensor z) {
        return spec.normalizedInputs() ? z : Ops.normalizeRows(z, spec.eps());
    }

    /**
     * The loss at the features {@code f} ([2N, d], view 1 then view 2), writing ∂L/∂f into the
     * zero-filled {@code df}.
     */
    abstract double lossAndFeatureGradient(Tensor f, int n, Tensor df);

    /** s_{i,i+N} = f_i·f_{i+N} for the N positive pairs, in the call's {@link LossWorkspace#pairs}. */
    static float[] pairSimilarities(Tensor f, int n) {
        int d = f.dim(1);
        float[] a = f.array();
        int o = f.offset();
        ArrayKernel k = Context.current().kernels().array();
        float[] c = LossWorkspace.ofCall().pairs(n);
        for (int i = 0; i < n; i++) {
            c[i] = k.dot(a, o + i * d, a, o + (i + n) * d, d);
        }
        return c;
    }

    /**
     * ∂L/∂t for CLIP's logit scale t = log(1/τ), NaN for the other losses. The loss depends on the
     * image features only through e^t·X·Yᵀ, so scaling X by e^h is the same as adding h to t:
     * ∂L/∂t = ⟨X, ∂L/∂X⟩.
     */
    private double logitScaleGradient(Tensor f, Tensor df, int n) {
        if (spec.kind() != LossKind.CLIP) {
            return Double.NaN;
        }
        float[] a = f.array(), g = df.array();
        int ao = f.offset(), go = df.offset();
        double dot = 0;
        for (int i = 0, size = n * f.dim(1); i < size; i++) {
            dot += (double) a[ao + i] * g[go + i];
        }
        return dot;
    }
}
