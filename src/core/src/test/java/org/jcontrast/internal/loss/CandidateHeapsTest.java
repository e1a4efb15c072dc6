package org.jcontrast.internal.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.junit.jupiter.api.Test;

/**
 * The heaps keep exactly the r best candidates in the selection's order (larger similarity, then
 * lower column), whatever the cut and order of the runs offered, ties and signed zeros included.
 */
class CandidateHeapsTest {

    @Test
    void keepTheRBestInTheSelectionOrder() {
        SplittableRandom r = new SplittableRandom(31);
        for (int trial = 0; trial < 200; trial++) {
            int cols = 1 + r.nextInt(40), rank = 1 + r.nextInt(cols);
            float[] row = new float[cols];
            int distinct = 1 + r.nextInt(6);
            for (int b = 0; b < cols; b++) {
                row[b] = r.nextInt(5) == 0 ? Float.NEGATIVE_INFINITY : r.nextInt(distinct) - distinct / 2f;
                if (row[b] == 0 && r.nextBoolean()) {
                    row[b] = -0f;
                }
            }
            List<Integer> candidates = new ArrayList<>();
            for (int b = 0; b < cols; b++) {
                if (row[b] != Float.NEGATIVE_INFINITY) {
                    candidates.add(b);
                }
            }
            if (candidates.size() < rank) {
                continue;
            }
            candidates.sort(Comparator.<Integer>comparingDouble(b -> -(row[b] + 0f)).thenComparingInt(b -> b));
            CandidateHeaps heaps = new CandidateHeaps(2, rank, new LossWorkspace());
            // Offer anchor 1's row as runs in a random order.
            List<int[]> runs = new ArrayList<>();
            for (int b0 = 0; b0 < cols; ) {
                int b1 = Math.min(cols, b0 + 1 + r.nextInt(7));
                runs.add(new int[] {b0, b1});
                b0 = b1;
            }
            java.util.Collections.shuffle(runs, new java.util.Random(trial));
            for (int[] run : runs) {
                float[] copy = new float[run[1] - run[0] + 3];
                System.arraycopy(row, run[0], copy, 3, run[1] - run[0]);
                heaps.offer(1, run[0], copy, 3, run[1] - run[0]);
            }
            List<Integer> kept = new ArrayList<>();
            for (int e = 0; e < rank; e++) {
                kept.add(heaps.column(1, e));
                assertEquals(row[heaps.column(1, e)] + 0f, heaps.value(1, e), 0f);
            }
            kept.sort(Integer::compare);
            List<Integer> want = new ArrayList<>(candidates.subList(0, rank));
            want.sort(Integer::compare);
            assertEquals(want, kept, "trial " + trial);
            int last = candidates.get(rank - 1);
            AnchorStats st = new AnchorStats();
            AnchorRule rule = AnchorRule.of(LossOptions.of(LossKind.HARD).withTopK(rank), 20, 0, null);
            heaps.select(rule, 1, st);
            for (int b : candidates) {
                assertEquals(want.contains(b), st.selected(b, row[b]), "trial " + trial + " column " + b);
            }
            assertTrue(st.selected(last, row[last]));
        }
    }

    @Test
    void anUnfilledHeapAndAnOversizedOneAreErrors() {
        CandidateHeaps heaps = new CandidateHeaps(1, 3, new LossWorkspace());
        heaps.offer(0, 0, new float[] {1f, 2f}, 0, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> heaps.select(AnchorRule.of(LossOptions.of(LossKind.HARD).withTopK(3), 4, 0, null), 0,
                        new AnchorStats()));
        assertTrue(e.getMessage().contains("offered 2 candidates, fewer than the 3"), e.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                () -> new CandidateHeaps(1 << 20, 1 << 12, new LossWorkspace()));
        assertTrue(big.getMessage().contains("too many"), big.getMessage());
    }
}
