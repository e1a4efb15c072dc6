package org.jcontrast.internal.loss;

/**
 * The order in which a streaming sweep visits the tiles of a similarity matrix: rounds whose tiles
 * have pairwise distinct row blocks and distinct column blocks, so the tiles of a round can run in
 * parallel, each writing only the statistics and gradient rows of its own blocks, with no locks
 * and no per-thread copies. Every block meets its tiles in the same order whatever the thread
 * count, so results do not depend on it.
 *
 * <ul>
 *   <li>symmetric (one tower, S = F·Fᵀ, blocks on both sides the same): only tiles i ≤ j. Round 0
 *       holds the B diagonal tiles; then a round-robin tournament (the circle method) of the B
 *       blocks: each round pairs them up disjointly, and every pair i &lt; j meets exactly once;</li>
 *   <li>rectangular (S = R·Cᵀ, every tile): round r holds tile (i, (i + r) mod C) for each row
 *       block i. Row blocks are distinct; so are column blocks when there are as many of them as
 *       of row blocks (CLIP), and otherwise the columns are only read (InfoNCE's bank).</li>
 * </ul>
 */
final class TileSchedule {
    private final int rowBlocks;
    private final int colBlocks;
    private final boolean symmetric;
    /** Symmetric: players of the tournament, the blocks plus a bye when their count is odd. */
    private final int players;

    private TileSchedule(int rowBlocks, int colBlocks, boolean symmetric) {
        this.rowBlocks = rowBlocks;
        this.colBlocks = colBlocks;
        this.symmetric = symmetric;
        this.players = rowBlocks + (rowBlocks & 1);
    }

    /** The tiles i ≤ j of a symmetric matrix of {@code blocks} × {@code blocks} tiles. */
    static TileSchedule symmetric(int blocks) {
        return new TileSchedule(blocks, blocks, true);
    }

    /** Every tile of a matrix of {@code rowBlocks} × {@code colBlocks} tiles. */
    static TileSchedule rectangular(int rowBlocks, int colBlocks) {
        return new TileSchedule(rowBlocks, colBlocks, false);
    }

    int rowBlocks() {
        return rowBlocks;
    }

    int colBlocks() {
        return colBlocks;
    }

    boolean symmetric() {
        return symmetric;
    }

    /** Number of tiles in all rounds. */
    int tiles() {
        int all = 0;
        for (int r = 0; r < rounds(); r++) {
            all += tiles(r);
        }
        return all;
    }

    /** Number of rounds. */
    int rounds() {
        return symmetric ? (rowBlocks < 2 ? 1 : players) : colBlocks;
    }

    /** Number of tiles in a round. */
    int tiles(int round) {
        return symmetric && round > 0 ? rowBlocks / 2 : rowBlocks;
    }

    /** The position of tile {@code slot} of {@code round} in the schedule's order, from 0 to {@link #tiles()} − 1. */
    int index(int round, int slot) {
        return symmetric && round > 0 ? rowBlocks + (round - 1) * (rowBlocks / 2) + slot : round * rowBlocks + slot;
    }

    /** The row block of tile {@code slot} of {@code round}. */
    int rowBlock(int round, int slot) {
        if (!symmetric || round == 0) {
            return slot;
        }
        return Math.min(player(round - 1, slot, 0), player(round - 1, slot, 1));
    }

    /** The column block of tile {@code slot} of {@code round}. */
    int colBlock(int round, int slot) {
        if (!symmetric) {
            return (slot + round) % colBlocks;
        }
        if (round == 0) {
            return slot;
        }
        return Math.max(player(round - 1, slot, 0), player(round - 1, slot, 1));
    }

    /**
     * Tiles of the rounds before {@code round} that write block {@code block} on the row side (on
     * either side for a symmetric matrix): a block meets at most one tile per round, so its tiles
     * run in round order when each waits for this many of the block's tiles to be done.
     */
    int rowTilesBefore(int block, int round) {
        // Symmetric with an odd block count: block b sits out tournament round b, schedule round b + 1.
        boolean bye = symmetric && rowBlocks != players && block + 1 < round;
        return bye ? round - 1 : round;
    }

    /**
     * As {@link #rowTilesBefore} for the column side, which meets one tile per round only when it is
     * symmetric or as many blocks as the rows (CLIP's); a bank of another size is only read.
     *
     * @throws IllegalStateException for columns that several tiles of a round share
     */
    int colTilesBefore(int block, int round) {
        if (!symmetric && colBlocks != rowBlocks) {
            throw new IllegalStateException("the tiles of a round share column blocks: " + rowBlocks + " row and "
                    + colBlocks + " column blocks");
        }
        return rowTilesBefore(block, round);
    }

    /**
     * Circle method: player P−1 stays put and meets player k in round k; the others sit on a
     * circle and meet (k + t, k − t) mod (P−1). With an odd block count, P−1 is the bye, so its
     * match is left out and the slots start at t = 1.
     */
    private int player(int k, int slot, int side) {
        int circle = players - 1;
        int t = rowBlocks == players ? slot : slot + 1;
        if (t == 0) {
            return side == 0 ? k : circle;
        }
        return side == 0 ? (k + t) % circle : (k - t + circle) % circle;
    }
}
