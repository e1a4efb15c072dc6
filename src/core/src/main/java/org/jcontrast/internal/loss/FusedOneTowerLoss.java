package org.jcontrast.internal.loss;

import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.tensor.Tensor;

/**
 * The losses that compare all 2N samples with each other (ntxent, dcl, dclw, hard, simple,
 * hardsimple, supcon): S = F·Fᵀ by the symmetric kernel, each row of S turned into ∂L/∂s, and,
 * since s_ab = s_ba is seen by anchors a and b, ∂L/∂F = (G + Gᵀ)·F.
 */
final class FusedOneTowerLoss extends FusedLoss {

    FusedOneTowerLoss(LossOptions spec) {
        super(spec);
    }

    @Override
    double lossAndFeatureGradient(Tensor f, int n, Tensor df) {
        Tensor s = Ops.gram(f);
        AnchorRule rule = AnchorRule.of(spec, n, 0, spec.kind() == LossKind.DCLW ? pairSimilarities(f, n) : null);
        double loss = AnchorRows.apply(rule, s);
        Transposes.symmetrize(s);
        Ops.matmulInto(1f, s, false, f, false, 0f, df);
        return loss;
    }
}
