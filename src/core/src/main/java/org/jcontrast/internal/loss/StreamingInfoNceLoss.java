package org.jcontrast.internal.loss;

import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * InfoNCE against a memory bank without the queries × bank matrix: a rectangular
 * {@link TileSweep} of queries × bank tiles (the bank takes no gradient), and each query's positive
 * key observed as a run of one column (column M of its row).
 */
final class StreamingInfoNceLoss extends FusedLoss {
    private final TileSweep.TileSize tile;

    StreamingInfoNceLoss(LossOptions spec, TileSweep.TileSize tile) {
        super(spec);
        this.tile = tile;
    }

    @Override
    double lossAndFeatureGradient(Tensor f, int n, Tensor df) {
        int rows = spec.bank().size();
        Tensor bank = LossInputs.bank(spec, LossWorkspace.ofCall().bank(rows * f.dim(1)));
        if (!spec.normalizedInputs()) {
            Ops.normalizeRowsInto(bank, spec.eps(), bank);
        }
        int m = bank.dim(0);
        AnchorRule rule = AnchorRule.of(spec, n, m, null);
        int anchors = rule.anchors();
        AnchorStats[] stats = beginStats(rule);
        float[] pairs = pairSimilarities(f, n);
        float[] positive = new float[1];
        for (int a = 0; a < anchors; a++) {
            positive[0] = pairs[a % n];
            rule.observeRun(a, m, m + 1, positive, 0, stats[a]);
        }
        double loss;
        try (TileSweep sweep = TileSweep.rectangular(rule, f.rows(0, anchors), bank, -1, tile, stats)) {
            sweep.observe();
            loss = StreamingStats.finish(rule, stats);
            sweep.gradient(df.rows(0, anchors), null);
        }
        float[] positiveGradient = LossWorkspace.ofCall().floats(anchors);
        for (int a = 0; a < anchors; a++) {
            positive[0] = pairs[a % n];
            rule.gradientRun(a, m, m + 1, positive, 0, stats[a]);
            positiveGradient[a] = positive[0];
        }
        FusedInfoNceLoss.addPositivePairs(f, n, anchors, positiveGradient, df);
        return loss;
    }
}
