package org.jcontrast.loss;

import org.jcontrast.internal.loss.LossFactory;

/**
 * Where losses come from: {@code Losses.create(spec, LossMode.AUTO)} gives the implementation that
 * suits each batch, and callers can force one.
 */
public final class Losses {
    private Losses() {
    }

    /** {@code spec} computed in {@code mode}, streaming with each batch's default tile. */
    public static Loss create(LossSpec spec, LossMode mode) {
        return LossFactory.create(spec, mode);
    }

    /** {@code spec} computed in {@code mode}, streaming with tiles of {@code tile}×{@code tile} similarities. */
    public static Loss create(LossSpec spec, LossMode mode, int tile) {
        return LossFactory.create(spec, mode, tile);
    }
}
