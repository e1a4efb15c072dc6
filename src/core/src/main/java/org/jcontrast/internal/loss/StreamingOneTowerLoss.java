package org.jcontrast.internal.loss;

import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.tensor.Tensor;

/**
 * The one-tower losses (ntxent, dcl, dclw, hard, simple, hardsimple, supcon) without the 2N×2N
 * similarity matrix: the symmetric {@link TileSweep} over F·Fᵀ observes every anchor's row tile
 * by tile, then recomputes the tiles for the exact gradient, about two GEMMs of 2N×2N×d in all
 * with O(N·d + tile²·threads) memory. A hard selection takes one more sweep first, into
 * {@link CandidateHeaps}; with top-K the heaps then hold everything that carries gradient and
 * {@link SelectedPairs} finishes sparsely, while a quantile (which keeps every tie) goes on with the
 * two dense sweeps.
 */
final class StreamingOneTowerLoss extends FusedLoss {
    private final TileSweep.TileSize tile;

    StreamingOneTowerLoss(LossOptions spec, TileSweep.TileSize tile) {
        super(spec);
        this.tile = tile;
    }

    @Override
    double lossAndFeatureGradient(Tensor f, int n, Tensor df) {
        float[] pairs = pairSimilarities(f, n);
        AnchorRule rule = AnchorRule.of(spec, n, 0, spec.kind() == LossKind.DCLW ? pairs : null);
        AnchorStats[] stats = beginStats(rule);
        try (TileSweep sweep = TileSweep.symmetric(rule, f, tile, stats)) {
            if (rule.selects() && rule.selectionRank() < rule.candidateCount()) {
                LossWorkspace workspace = LossWorkspace.ofCall();
                CandidateHeaps heaps = new CandidateHeaps(rule.anchors(), rule.selectionRank(), workspace);
                sweep.select(heaps);
                for (int a = 0; a < stats.length; a++) {
                    heaps.select(rule, a, stats[a]);
                }
                if (spec.topK() > 0) {
                    return SelectedPairs.lossAndGradient(rule, f, pairs, heaps, stats, df, workspace);
                }
            }
            sweep.observe();
            double loss = StreamingStats.finish(rule, stats);
            sweep.gradient(df, df);
            return loss;
        }
    }
}
