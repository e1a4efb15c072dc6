package org.jcontrast.internal.loss;

import java.util.Arrays;

/**
 * Each anchor's r best candidate negatives among those offered so far, for a hard selection made
 * while streaming: one bounded min-heap per anchor, ordered as {@link AnchorRule} ranks candidates
 * (larger similarity first, then lower column), whose root ends as the r-th best.
 *
 * <p>Memory is anchors·r longs. For top-K, r = K. For a quantile α, r = ⌈α·m⌉ of the m candidates
 * per anchor grows with the batch, so the heaps hold O(N²·α) entries in all: a quantile saves
 * memory over the materialised matrix only when α is small.
 */
final class CandidateHeaps {
    private final int rank;
    private final long[] keys;
    private final int[] sizes;

    /** Empty heaps of capacity {@code rank} for {@code anchors} anchors, in {@code workspace}'s arrays. */
    CandidateHeaps(int anchors, int rank, LossWorkspace workspace) {
        long total = (long) anchors * rank;
        if (total > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("hard selection: " + anchors + " anchors × " + rank
                    + " candidates kept each is too many to hold; use a smaller top-K or quantile");
        }
        this.rank = rank;
        this.keys = workspace.keys((int) total);
        this.sizes = workspace.sizes(anchors);
        Arrays.fill(sizes, 0, anchors, 0);
    }

    /** The capacity r of each heap. */
    int rank() {
        return rank;
    }

    /**
     * Offers anchor a's entries x[off..off+len) of columns b0, b0+1, …; −∞ marks an entry that is no
     * candidate. A run is scanned against the current r-th best value, so once the heap is full
     * only entries that beat it cost more than a comparison.
     */
    void offer(int a, int b0, float[] x, int off, int len) {
        int base = a * rank;
        int size = sizes[a];
        float bar = size < rank ? Float.NEGATIVE_INFINITY : value(keys[base]);
        for (int i = 0; i < len; i++) {
            float s = x[off + i];
            if (s >= bar && s != Float.NEGATIVE_INFINITY) {
                long key = key(s, b0 + i);
                if (size < rank) {
                    siftUp(base, size++, key);
                    if (size == rank) {
                        bar = value(keys[base]);
                    }
                } else if (key > keys[base]) {
                    siftDown(base, key);
                    bar = value(keys[base]);
                }
            }
        }
        sizes[a] = size;
    }

    /** Fixes anchor a's selection in {@code st} from its r-th best candidate; every heap must be full. */
    void select(AnchorRule rule, int a, AnchorStats st) {
        if (sizes[a] != rank) {
            throw new IllegalStateException("hard selection: anchor " + a + " was offered " + sizes[a]
                    + " candidates, fewer than the " + rank + " it keeps");
        }
        long root = keys[a * rank];
        rule.select(st, value(root), column(root));
    }

    /** Similarity of anchor a's e-th kept candidate (heap order, 0 ≤ e &lt; r). */
    float value(int a, int e) {
        return value(keys[a * rank + e]);
    }

    /** Column of anchor a's e-th kept candidate. */
    int column(int a, int e) {
        return column(keys[a * rank + e]);
    }

    /**
     * A key whose signed order is the ranking: the similarity's bits made monotone in the upper
     * half (−0 taken as +0, as float comparison does), the complemented column in the lower.
     */
    private static long key(float s, int b) {
        int bits = Float.floatToRawIntBits(s + 0f);
        int monotone = bits ^ ((bits >> 31) & 0x7FFFFFFF);
        return (long) monotone << 32 | (0xFFFFFFFFL - b);
    }

    private static float value(long key) {
        int monotone = (int) (key >> 32);
        return Float.intBitsToFloat(monotone ^ ((monotone >> 31) & 0x7FFFFFFF));
    }

    private static int column(long key) {
        return (int) (0xFFFFFFFFL - (key & 0xFFFFFFFFL));
    }

    private void siftUp(int base, int at, long key) {
        while (at > 0) {
            int parent = (at - 1) >>> 1;
            if (keys[base + parent] <= key) {
                break;
            }
            keys[base + at] = keys[base + parent];
            at = parent;
        }
        keys[base + at] = key;
    }

    /** Replaces the root (the worst kept) by {@code key} and restores the heap. */
    private void siftDown(int base, long key) {
        int at = 0;
        while (true) {
            int child = 2 * at + 1;
            if (child >= rank) {
                break;
            }
            if (child + 1 < rank && keys[base + child + 1] < keys[base + child]) {
                child++;
            }
            if (keys[base + child] >= key) {
                break;
            }
            keys[base + at] = keys[base + child];
            at = child;
        }
        keys[base + at] = key;
    }
}
