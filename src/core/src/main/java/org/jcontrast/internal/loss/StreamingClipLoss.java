package org.jcontrast.internal.loss;

import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.tensor.Tensor;

/**
 * CLIP without the N×N matrix X·Yᵀ: a rectangular {@link TileSweep} whose tile rows are image
 * anchors and whose transposed tile rows are text anchors (row and column logsumexps of each tile),
 * then the recomputed tiles give ∂L/∂X += H·Y_j and ∂L/∂Y += Hᵀ·X_i.
 */
final class StreamingClipLoss extends FusedLoss {
    private final TileSweep.TileSize tile;

    StreamingClipLoss(LossOptions spec, TileSweep.TileSize tile) {
        super(spec);
        this.tile = tile;
    }

    @Override
    double lossAndFeatureGradient(Tensor f, int n, Tensor df) {
        AnchorRule rule = AnchorRule.of(spec, n, 0, null);
        AnchorStats[] stats = beginStats(rule);
        try (TileSweep sweep = TileSweep.rectangular(rule, f.rows(0, n), f.rows(n, 2 * n), n, tile, stats)) {
            sweep.observe();
            double loss = StreamingStats.finish(rule, stats);
            sweep.gradient(df.rows(0, n), df.rows(n, 2 * n));
            return loss;
        }
    }
}
