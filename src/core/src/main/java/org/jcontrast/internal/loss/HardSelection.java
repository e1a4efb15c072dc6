package org.jcontrast.internal.loss;

import java.util.Arrays;

/**
 * The hard-negative selection of one anchor from its whole row: the {@link AnchorRule#selectionRank()}-th
 * best candidate in the order "larger similarity first, then lower column", found in linear time.
 */
final class HardSelection {
    private HardSelection() {
    }

    /**
     * Fixes anchor a's selection in {@code st} from its similarities {@code row[off..off+columns)};
     * {@code scratch} holds at least 2·columns floats and is overwritten.
     */
    static void select(AnchorRule rule, int a, float[] row, int off, AnchorStats st, float[] scratch) {
        int cols = rule.columns();
        int r = rule.selectionRank();
        if (r >= rule.candidateCount()) {
            return; // every candidate is kept
        }
        System.arraycopy(row, off, scratch, 0, cols);
        rule.maskNonCandidates(a, 0, cols, scratch, 0);
        int m = 0;
        for (int b = 0; b < cols; b++) {
            if (scratch[b] != Float.NEGATIVE_INFINITY) {
                scratch[cols + m++] = scratch[b];
            }
        }
        float threshold = kthLargest(scratch, cols, m, r);
        int above = 0;
        for (int i = cols; i < cols + m; i++) {
            if (scratch[i] > threshold) {
                above++;
            }
        }
        // The r-th best is the (r − above)-th candidate equal to the threshold, in column order.
        int ties = r - above;
        for (int b = 0; b < cols; b++) {
            if (scratch[b] == threshold && --ties == 0) {
                rule.select(st, threshold, b);
                return;
            }
        }
        throw new IllegalStateException("hard selection: the threshold was not found in its own row");
    }

    /**
     * The k-th largest (1-based) of {@code v[from..from+len)}, reordering that range: quickselect with a
     * median-of-three pivot, falling back to a sort when the partitions stay lopsided.
     */
    static float kthLargest(float[] v, int from, int len, int k) {
        int lo = from, hi = from + len - 1, target = from + k - 1;
        int budget = 2 * (32 - Integer.numberOfLeadingZeros(len)) + 4;
        while (lo < hi) {
            if (budget-- == 0) {
                Arrays.sort(v, lo, hi + 1);
                return v[hi - (target - lo)];
            }
            float pivot = median(v[lo], v[(lo + hi) >>> 1], v[hi]);
            int i = lo, j = hi;
            while (i <= j) {
                while (v[i] > pivot) {
                    i++;
                }
                while (v[j] < pivot) {
                    j--;
                }
                if (i <= j) {
                    float t = v[i];
                    v[i++] = v[j];
                    v[j--] = t;
                }
            }
            // Now v[lo..j] ≥ pivot, v[i..hi] ≤ pivot and everything strictly between equals it.
            if (target <= j) {
                hi = j;
            } else if (target >= i) {
                lo = i;
            } else {
                return pivot;
            }
        }
        return v[lo];
    }

    private static float median(float a, float b, float c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }
}
