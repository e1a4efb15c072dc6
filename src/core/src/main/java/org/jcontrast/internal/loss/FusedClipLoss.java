package org.jcontrast.internal.loss;

import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * CLIP between an image tower (view 1) and a text tower (view 2): the N×N products X·Yᵀ (image
 * anchors) and Y·Xᵀ (text anchors) as the 2N anchor rows, H = G_image + G_textᵀ the gradient of
 * X·Yᵀ, then ∂L/∂X = H·Y and ∂L/∂Y = Hᵀ·X.
 */
final class FusedClipLoss extends FusedLoss {

    FusedClipLoss(LossOptions spec) {
        super(spec);
    }

    @Override
    double lossAndFeatureGradient(Tensor f, int n, Tensor df) {
        Tensor x = f.rows(0, n), y = f.rows(n, 2 * n);
        Tensor rows = Tensor.zeros(2 * n, n);
        Tensor imageRows = rows.rows(0, n), textRows = rows.rows(n, 2 * n);
        Ops.matmulInto(1f, x, false, y, true, 0f, imageRows);
        Ops.matmulInto(1f, y, false, x, true, 0f, textRows);
        double loss = AnchorRows.apply(AnchorRule.of(spec, n, 0, null), rows);
        Transposes.addTransposed(imageRows, textRows);
        Ops.matmulInto(1f, imageRows, false, y, false, 0f, df.rows(0, n));
        Ops.matmulInto(1f, imageRows, true, x, false, 0f, df.rows(n, 2 * n));
        return loss;
    }
}
