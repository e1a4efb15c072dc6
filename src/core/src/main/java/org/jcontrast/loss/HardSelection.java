package org.jcontrast.loss;

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
     * {@code scratch} holds at least {@code columns} floats and is overwritten.
     */
    static void select(AnchorRule rule, int a, float[] row, int off, AnchorStats st, float[] scratch) {
        int cols = rule.columns();
        int m = 0;
        for (int b = 0; b < cols; b++) {
            if (rule.role(a, b) == AnchorRule.NEGATIVE) {
                scratch[m++] = row[off + b];
            }
        }
        int r = rule.selectionRank();
        if (r >= m) {
            return; // every candidate is kept
        }
        float threshold = kthLargest(scratch, m, r);
        if (rule.spec().topK() == 0) {
            st.select(threshold, Integer.MAX_VALUE); // a quantile keeps every tie
            return;
        }
        int above = 0;
        for (int i = 0; i < m; i++) {
            if (scratch[i] > threshold) {
                above++;
            }
        }
        int ties = r - above;
        for (int b = 0; b < cols; b++) {
            if (row[off + b] == threshold && rule.role(a, b) == AnchorRule.NEGATIVE && --ties == 0) {
                st.select(threshold, b);
                return;
            }
        }
        throw new IllegalStateException("hard selection: the threshold was not found in its own row");
    }

    /**
     * The k-th largest (1-based) of {@code v[0..len)}, reordering v: quickselect with a
     * median-of-three pivot, falling back to a sort when the partitions stay lopsided.
     */
    static float kthLargest(float[] v, int len, int k) {
        int lo = 0, hi = len - 1, target = k - 1;
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
