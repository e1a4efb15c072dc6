package org.jcontrast.loss;

import org.jcontrast.tensor.Tensor;

/**
 * Where losses come from: {@code Losses.create(spec, LossMode.AUTO)} gives the implementation that
 * suits each batch, and callers can force one.
 *
 * <p>{@link LossMode#AUTO} materialises the similarity matrix while it holds at most
 * {@link #AUTO_STREAMING_ENTRIES} entries and streams beyond, where the matrix would cost more
 * memory than it saves time; a hard selection whose {@link CandidateHeaps} would be larger than
 * the matrix itself stays materialised as long as the matrix fits in one array.
 *
 * <p>The streaming tile size is {@code -Djcontrast.tile=T} (default {@value #DEFAULT_TILE}) or the
 * argument of {@link #create(LossSpec, LossMode, int)}; each tile of T×T similarities is computed
 * by one thread, and memory grows as two such tiles per thread.
 */
public final class Losses {
    /** System property of the default streaming tile size. */
    public static final String TILE_PROPERTY = "jcontrast.tile";
    /** Default streaming tile size: a tile and its transpose stay in a core's L2 cache. */
    public static final int DEFAULT_TILE = 256;
    /** Similarity matrices above this many entries (16 MiB of floats) stream under {@link LossMode#AUTO}. */
    public static final long AUTO_STREAMING_ENTRIES = 1L << 22;
    /** The most entries one float array holds. */
    private static final long MAX_ENTRIES = Integer.MAX_VALUE - 8;

    private Losses() {
    }

    /** {@code spec} computed in {@code mode}, streaming with the default tile size. */
    public static Loss create(LossSpec spec, LossMode mode) {
        return create(spec, mode, defaultTile());
    }

    /** {@code spec} computed in {@code mode}, streaming with tiles of {@code tile}×{@code tile} similarities. */
    public static Loss create(LossSpec spec, LossMode mode, int tile) {
        if (tile < 1) {
            throw new IllegalArgumentException("the streaming tile size must be positive, got " + tile);
        }
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
    public static LossMode resolve(LossSpec spec, LossMode mode, int n) {
        if (mode != LossMode.AUTO) {
            return mode;
        }
        int bank = spec.kind() == LossKind.INFONCE && spec.bank() != null ? spec.bank().size() : 0;
        long anchors = AnchorRule.anchors(spec, n);
        long entries = anchors * AnchorRule.columns(spec, n, bank);
        if (entries <= AUTO_STREAMING_ENTRIES) {
            return LossMode.MATERIALIZED;
        }
        int candidates = AnchorRule.candidateCount(spec, n);
        int kept = spec.kind().selectsNegatives() ? spec.selectionRank(candidates) : candidates;
        // Each kept candidate costs a long where the matrix costs a float per entry.
        if (kept < candidates && 2 * anchors * kept > entries && entries <= MAX_ENTRIES) {
            return LossMode.MATERIALIZED;
        }
        return LossMode.STREAMING;
    }

    /** The tile size from {@code -Djcontrast.tile}, else {@link #DEFAULT_TILE}. */
    public static int defaultTile() {
        String value = System.getProperty(TILE_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_TILE;
        }
        try {
            int tile = Integer.parseInt(value.trim());
            if (tile >= 1) {
                return tile;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-D" + TILE_PROPERTY + " must be a positive integer, got '" + value + "'");
    }

    private static Loss streaming(LossSpec spec, int tile) {
        return switch (spec.kind()) {
            case CLIP -> new StreamingClipLoss(spec, tile);
            case INFONCE -> new StreamingInfoNceLoss(spec, tile);
            case NTXENT, DCL, DCLW, HARD, SIMPLE, HARDSIMPLE, SUPCON -> new StreamingOneTowerLoss(spec, tile);
        };
    }

    /** {@link LossMode#AUTO}: picks per batch, by {@link #resolve}. */
    private record AutoLoss(LossSpec spec, Loss materialized, Loss streaming) implements Loss {
        @Override
        public LossResult compute(Tensor z1, Tensor z2) {
            LossInputs.validate(spec, z1, z2);
            boolean streams = resolve(spec, LossMode.AUTO, z1.dim(0)) == LossMode.STREAMING;
            return (streams ? streaming : materialized).compute(z1, z2);
        }
    }
}
