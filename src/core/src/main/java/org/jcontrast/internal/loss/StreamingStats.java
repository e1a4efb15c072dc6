package org.jcontrast.internal.loss;

/** The per-anchor statistics of a streaming loss, which live across its sweeps. */
final class StreamingStats {
    private StreamingStats() {
    }

    /** Finishes every anchor once all its entries were observed; returns the loss, summed in anchor order. */
    static double finish(AnchorRule rule, AnchorStats[] stats) {
        double loss = 0;
        for (AnchorStats st : stats) {
            rule.finish(st);
            loss += st.loss();
        }
        return loss;
    }
}
