package org.jcontrast.internal.loss;

import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.tensor.Tensor;

/**
 * What the fused losses (materialised and streaming) share: validation, the stacked and normalised
 * features [view 1 | view 2], the positive pairs' similarities, CLIP's logit-scale gradient, and
 * the way back from ∂L/∂features to ∂L/∂z through the normalisation.
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
        Tensor f = Tensor.zeros(2 * n, d);
        normalizeInto(z1, f.rows(0, n));
        normalizeInto(z2, f.rows(n, 2 * n));
        Tensor df = Tensor.zeros(2 * n, d);
        double loss = lossAndFeatureGradient(f, n, df);
        double logitScaleGradient = logitScaleGradient(f, df, n);
        return new LossResult(loss, rawGradient(z1, df.rows(0, n)), rawGradient(z2, df.rows(n, 2 * n)),
                logitScaleGradient);
    }

    private void normalizeInto(Tensor z, Tensor out) {
        if (spec.normalizedInputs()) {
            out.copyFrom(z);
        } else {
            Ops.normalizeRowsInto(z, spec.eps(), out);
        }
    }

    /** ∂L/∂z from ∂L/∂f through the normalisation f = z / max(‖z‖, eps). */
    private Tensor rawGradient(Tensor z, Tensor df) {
        if (spec.normalizedInputs()) {
            return df.copy();
        }
        Tensor dz = Tensor.zeros(z.dim(0), z.dim(1));
        Ops.normalizeRowsBackwardInto(z, df, spec.eps(), dz);
        return dz;
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

    /** s_{i,i+N} = f_i·f_{i+N} for the N positive pairs. */
    static float[] pairSimilarities(Tensor f, int n) {
        int d = f.dim(1);
        float[] a = f.array();
        int o = f.offset();
        ArrayKernel k = Context.current().kernels().array();
        float[] c = new float[n];
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
