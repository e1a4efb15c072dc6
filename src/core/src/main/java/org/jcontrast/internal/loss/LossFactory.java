package org.jcontrast.internal.loss;

import java.util.OptionalInt;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;

/**
 * Where losses come from: {@code Losses.create(spec, LossMode.AUTO)} gives the implementation that
 * suits each batch, and callers can force one.
 *
 * <p>{@link LossMode#AUTO} streams: the tiles are as fast as the materialised matrix at every batch
 * size measured (2N = 64 to 16384; the matrix's passes over N² floats cost more than they save), and
 * use O(N·d) memory. Only a hard selection whose {@link CandidateHeaps} would be larger than the
 * matrix itself is materialised, as long as the matrix fits in one array.
 *
 * <p>The streaming tile size is the argument of {@link #create(LossOptions, LossMode, int)}, else the
 * current {@link Context}'s tile, else chosen per batch by {@link #defaultTile(int, int, int)}:
 * {@value #DEFAULT_TILE} on the CPU ({@value #LARGE_TILE} for large matrices),
 * {@value #GPU_TILE} when the tile products go to a GPU backend.
 * Each tile of T×T similarities is computed by one thread, and memory grows as two such tiles per
 * thread (128 MiB at {@value #GPU_TILE}).
 */
public final class LossFactory {
    /** Default streaming tile size: a tile and its transpose stay in a core's L2 cache. */
    public static final int DEFAULT_TILE = 256;
    /**
     * Default streaming tile size on the CPU for large matrices: both sides at least
     * {@value #LARGE_MIN_ROWS} rows, or at least {@value #WIDE_MIN_ROWS} for embeddings at least
     * {@value #WIDE_WIDTH} wide. A tile's gradient products have the tile as their k, and at 512,
     * the CPU kernel's k-block, they add into their outputs (tile × d) half as often, and a tile
     * that packs its own operands (beyond {@link #MAX_PACKED_FLOATS}) packs half as much per flop.
     * On Zen 4, two threads, against 256: 0.93–0.97× the time at 2N = 4096 to 16384 with d = 512 and
     * 1024; 0.92–0.96× at 2N = 16384 with d = 128 and 256, 0.93–0.97× at 32768 and 0.94× at
     * 131072, d = 128. Level at 2N = 8192 with d = 128 and 256 and at 2048 with d = 512; at 1024, too
     * few tiles for two threads (1.4× the time).
     */
    public static final int LARGE_TILE = 512;
    /** Rows both sides have at least for {@link #LARGE_TILE}. */
    public static final int LARGE_MIN_ROWS = 16384;
    /** Embedding width from which {@link #LARGE_TILE} starts at {@link #WIDE_MIN_ROWS} rows. */
    public static final int WIDE_WIDTH = 512;
    /** Rows both sides have at least for {@link #LARGE_TILE} with embeddings {@link #WIDE_WIDTH} wide or more. */
    public static final int WIDE_MIN_ROWS = 4096;
    /**
     * Default streaming tile size when the tile products go to a GPU backend: each device call then
     * carries 2·T²·d flops (4.3 GFLOP at d = 128), so its fixed cost and the transfers of the
     * operands are small beside the product, where 256-wide tiles would be all overhead.
     */
    public static final int GPU_TILE = 4096;
    /**
     * The most floats a streaming loss holds besides its inputs, gradients, statistics and tiles: its
     * inputs packed once for the CPU's tile products. Larger inputs are packed tile by tile instead.
     */
    public static final long MAX_PACKED_FLOATS = TileSweep.MAX_PACKED_FLOATS;
    /** The most entries one float array holds. */
    private static final long MAX_ENTRIES = Integer.MAX_VALUE - 8;

    private LossFactory() {
    }

    /** {@code spec} computed in {@code mode}, streaming with each batch's {@link #defaultTile(int, int, int)}. */
    public static LossImplementation create(LossOptions spec, LossMode mode) {
        return create(spec, mode, LossFactory::defaultTile);
    }

    /** {@code spec} computed in {@code mode}, streaming with tiles of {@code tile}×{@code tile} similarities. */
    public static LossImplementation create(LossOptions spec, LossMode mode, int tile) {
        if (tile < 1) {
            throw new IllegalArgumentException("the streaming tile size must be positive, got " + tile);
        }
        return create(spec, mode, (rows, cols, width) -> tile);
    }

    private static LossImplementation create(LossOptions spec, LossMode mode, TileSweep.TileSize tile) {
        return switch (mode) {
            case MATERIALIZED -> FusedLosses.create(spec);
            case STREAMING -> streaming(spec, tile);
            case COMPOSED -> ComposedLosses.create(spec);
            case AUTO -> new AutoLoss(spec, FusedLosses.create(spec), streaming(spec, tile));
        };
    }

    /**
     * The mode {@code mode} stands for on a batch of {@code n} rows per view: {@link LossMode#AUTO}
     * resolves to {@link LossMode#MATERIALIZED} or {@link LossMode#STREAMING}, the others to
     * themselves.
     */
    public static LossMode resolve(LossOptions spec, LossMode mode, int n) {
        if (mode != LossMode.AUTO) {
            return mode;
        }
        int bank = spec.kind() == LossKind.INFONCE && spec.bank() != null ? spec.bank().size() : 0;
        long anchors = AnchorRule.anchors(spec, n);
        long entries = anchors * AnchorRule.columns(spec, n, bank);
        int candidates = AnchorRule.candidateCount(spec, n);
        int kept = spec.kind().selectsNegatives() ? spec.selectionRank(candidates) : candidates;
        // Each kept candidate costs a long where the matrix costs a float per entry.
        if (kept < candidates && 2 * anchors * kept > entries && entries <= MAX_ENTRIES) {
            return LossMode.MATERIALIZED;
        }
        return LossMode.STREAMING;
    }

    /**
     * The streaming tile size of a rows × cols similarity matrix of embeddings of width {@code width}
     * when none is given: the current context's tile when it fixes one; else {@link #GPU_TILE} when
     * its router would send the largest tile product, min(rows, {@value #GPU_TILE}) ×
     * min(cols, {@value #GPU_TILE}) × width, to its backend (device {@code gpu} with a usable backend,
     * or {@code auto} and such products pass its threshold); else {@link #LARGE_TILE} for large
     * matrices, {@link #DEFAULT_TILE} otherwise. The router
     * opens the backend only when its settings would send such a product there.
     */
    public static int defaultTile(int rows, int cols, int width) {
        Context context = Context.current();
        OptionalInt fixed = context.tile();
        if (fixed.isPresent()) {
            return fixed.getAsInt();
        }
        boolean offloaded = context.router().offloads(Math.min(rows, GPU_TILE), Math.min(cols, GPU_TILE), width);
        if (offloaded) {
            return GPU_TILE;
        }
        int side = Math.min(rows, cols);
        boolean large = side >= LARGE_MIN_ROWS || (width >= WIDE_WIDTH && side >= WIDE_MIN_ROWS);
        return large ? LARGE_TILE : DEFAULT_TILE;
    }

    /**
     * The tile size the streaming implementation of {@code spec} takes, when none is given, on a
     * batch of {@code n} rows per view of width {@code width}: {@link #defaultTile(int, int, int)} of
     * its similarity matrix (2N × 2N for one tower, N × N for CLIP, anchors × bank for InfoNCE).
     */
    public static int defaultTile(LossOptions spec, int n, int width) {
        return switch (spec.kind()) {
            case CLIP -> defaultTile(n, n, width);
            case INFONCE -> defaultTile(AnchorRule.anchors(spec, n), spec.bank() == null ? 0 : spec.bank().size(),
                    width);
            case NTXENT, DCL, DCLW, HARD, SIMPLE, HARDSIMPLE, SUPCON -> defaultTile(2 * n, 2 * n, width);
        };
    }

    private static LossImplementation streaming(LossOptions spec, TileSweep.TileSize tile) {
        return switch (spec.kind()) {
            case CLIP -> new StreamingClipLoss(spec, tile);
            case INFONCE -> new StreamingInfoNceLoss(spec, tile);
            case NTXENT, DCL, DCLW, HARD, SIMPLE, HARDSIMPLE, SUPCON -> new StreamingOneTowerLoss(spec, tile);
        };
    }

    /** {@link LossMode#AUTO}: picks per batch, by {@link #resolve}. */
    private record AutoLoss(LossOptions options, LossImplementation materialized, LossImplementation streaming)
            implements LossImplementation {
        @Override
        public LossResult compute(Tensor z1, Tensor z2) {
            return chosen(z1, z2).compute(z1, z2);
        }

        @Override
        public double computeInto(Tensor z1, Tensor z2, Tensor grad1, Tensor grad2) {
            return chosen(z1, z2).computeInto(z1, z2, grad1, grad2);
        }

        private LossImplementation chosen(Tensor z1, Tensor z2) {
            LossInputs.requireViews(options, z1, z2);
            boolean streams = resolve(options, LossMode.AUTO, z1.dim(0)) == LossMode.STREAMING;
            return streams ? streaming : materialized;
        }
    }
}
