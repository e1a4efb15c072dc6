package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Every tile is visited exactly once, and the tiles of a round never share a block that they write. */
class TileScheduleTest {

    @Test
    void symmetricRoundsCoverEveryPairOnceWithDisjointBlocks() {
        for (int blocks = 1; blocks <= 17; blocks++) {
            TileSchedule s = TileSchedule.symmetric(blocks);
            int[][] seen = new int[blocks][blocks];
            for (int round = 0; round < s.rounds(); round++) {
                boolean[] busy = new boolean[blocks];
                for (int slot = 0; slot < s.tiles(round); slot++) {
                    int i = s.rowBlock(round, slot), j = s.colBlock(round, slot);
                    assertTrue(0 <= i && i <= j && j < blocks, blocks + " blocks: tile (" + i + ", " + j + ")");
                    seen[i][j]++;
                    assertTrue(!busy[i] && !busy[j], blocks + " blocks, round " + round + ": block reused");
                    busy[i] = true;
                    busy[j] = true;
                }
            }
            for (int i = 0; i < blocks; i++) {
                for (int j = i; j < blocks; j++) {
                    assertEquals(1, seen[i][j], blocks + " blocks: tile (" + i + ", " + j + ")");
                }
            }
            assertEquals(blocks < 2 ? 1 : blocks + blocks % 2, s.rounds(), "rounds for " + blocks + " blocks");
        }
    }

    @Test
    void rectangularRoundsCoverEveryTileOnceWithDistinctRowBlocks() {
        for (int rows = 1; rows <= 6; rows++) {
            for (int cols = 1; cols <= 6; cols++) {
                TileSchedule s = TileSchedule.rectangular(rows, cols);
                int[][] seen = new int[rows][cols];
                for (int round = 0; round < s.rounds(); round++) {
                    boolean[] rowBusy = new boolean[rows], colBusy = new boolean[cols];
                    for (int slot = 0; slot < s.tiles(round); slot++) {
                        int i = s.rowBlock(round, slot), j = s.colBlock(round, slot);
                        seen[i][j]++;
                        assertTrue(!rowBusy[i], "row block reused");
                        rowBusy[i] = true;
                        // Columns are written (CLIP) only when there are as many column blocks as row blocks.
                        assertTrue(rows != cols || !colBusy[j], "column block reused");
                        colBusy[j] = true;
                    }
                }
                for (int[] row : seen) {
                    for (int v : row) {
                        assertEquals(1, v, rows + "x" + cols);
                    }
                }
            }
        }
    }

    @Test
    void tilesBeforeCountsEachBlocksTilesOfEarlierRounds() {
        for (int blocks = 1; blocks <= 9; blocks++) {
            checkTilesBefore(TileSchedule.symmetric(blocks), blocks, blocks);
            checkTilesBefore(TileSchedule.rectangular(blocks, blocks), blocks, blocks);
        }
    }

    /** What a {@link TileQueue} waits for: the tiles of a block in the rounds before, counted by walking them. */
    private static void checkTilesBefore(TileSchedule s, int rows, int cols) {
        int[] rowSeen = new int[rows], colSeen = new int[cols];
        for (int round = 0; round < s.rounds(); round++) {
            for (int slot = 0; slot < s.tiles(round); slot++) {
                int i = s.rowBlock(round, slot), j = s.colBlock(round, slot);
                String where = (s.symmetric() ? "symmetric " : "rectangular ") + rows + " blocks, round " + round;
                if (s.symmetric()) {
                    assertEquals(rowSeen[i], s.rowTilesBefore(i, round), where + ", block " + i);
                    assertEquals(rowSeen[j], s.rowTilesBefore(j, round), where + ", block " + j);
                } else {
                    assertEquals(rowSeen[i], s.rowTilesBefore(i, round), where + ", row block " + i);
                    assertEquals(colSeen[j], s.colTilesBefore(j, round), where + ", column block " + j);
                }
            }
            for (int slot = 0; slot < s.tiles(round); slot++) {
                int i = s.rowBlock(round, slot), j = s.colBlock(round, slot);
                rowSeen[i]++;
                if (!s.symmetric()) {
                    colSeen[j]++;
                } else if (j != i) {
                    rowSeen[j]++;
                }
            }
        }
    }
}
