package org.jcontrast.loss;

import org.jcontrast.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * What the fused losses share: validation, the stacked and normalised features [view 1 | view 2],
 * and the way back from ∂L/∂features to ∂L/∂z through the normalisation.
 */
abstract class FusedLoss implements Loss {
    final LossSpec spec;

    FusedLoss(LossSpec spec) {
        this.spec = spec;
    }

    @Override
    public final LossSpec spec() {
        return spec;
    }

    @Override
    public final LossResult compute(Tensor z1, Tensor z2) {
        LossInputs.validate(spec, z1, z2);
        int n = z1.dim(0), d = z1.dim(1);
        Tensor raw = Tensor.zeros(2 * n, d);
        System.arraycopy(z1.array(), z1.offset(), raw.array(), 0, n * d);
        System.arraycopy(z2.array(), z2.offset(), raw.array(), n * d, n * d);
        Tensor f = normalize(raw);
        Tensor df = Tensor.zeros(2 * n, d);
        double loss = lossAndFeatureGradient(f, n, df);
        double logitScaleGradient = logitScaleGradient(f, df, n);
        Tensor dz = spec.normalizedInputs() ? df : Ops.normalizeRowsBackward(raw, df, spec.eps());
        return new LossResult(loss, dz.rows(0, n).copy(), dz.rows(n, 2 * n).copy(), logitScaleGradient);
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

    /** ∂L/∂t for a learnable logit scale t, or NaN for losses without one. */
    double logitScaleGradient(Tensor f, Tensor df, int n) {
        return Double.NaN;
    }
}
