package org.jcontrast.metrics;

import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * The similarity matrix S = F·Fᵀ visited in tiles, never whole: bands of rows run in parallel and
 * each walks its tiles from left to right, so memory stays O(band²) whatever the number of rows.
 */
final class SimilarityBands {
    /** Rows per band and columns per tile. */
    static final int BAND = 256;

    private SimilarityBands() {
    }

    /** Receives one tile: S[r0 .. r0 + rows, c0 .. c0 + cols) of the tile's shape. */
    @FunctionalInterface
    interface TileBody {
        /** Called on band {@code band}'s thread, tile after tile. */
        void accept(int band, Tensor tile, int r0, int c0);
    }

    /** Number of bands of an n-row matrix (callers size their per-band accumulators by it). */
    static int bands(int n) {
        return (n + BAND - 1) / BAND;
    }

    /**
     * Visits every tile of S = f·fᵀ, or with {@code upper} only those whose columns start at or
     * after their rows (the tiles that hold the pairs i &lt; j).
     */
    static void forEach(Tensor f, boolean upper, TileBody body) {
        int n = f.dim(0);
        Parallel.forTasks(bands(n), band -> {
            int r0 = band * BAND, r1 = Math.min(n, r0 + BAND);
            Tensor full = null;
            for (int c0 = upper ? r0 : 0; c0 < n; c0 += BAND) {
                int c1 = Math.min(n, c0 + BAND);
                Tensor tile;
                if (c1 - c0 == BAND) {
                    full = full != null ? full : Tensor.zeros(r1 - r0, BAND);
                    tile = full;
                } else {
                    tile = Tensor.zeros(r1 - r0, c1 - c0); // the last, narrower tile of the band
                }
                Ops.gramTileInto(f, r0, r1, c0, c1, tile);
                body.accept(band, tile, r0, c0);
            }
        });
    }
}
