package org.jcontrast.internal.loss;

import java.util.Arrays;

/**
 * SupCon's 2N columns grouped by the label of their sample, for a batch of N labelled samples:
 * group g holds the columns {@code columns[start[g] .. start[g+1])}, ascending, and sample i is in
 * group {@code groupOf[i]}. Kept in a {@link LossWorkspace} and regrouped for each batch, so that
 * a training loop makes no garbage per batch. Not thread-safe: the call's, read by its tasks.
 */
final class LabelGroups {
    final int[] columns;
    final int[] groupOf;
    final int[] start;
    /** The labels shifted above their samples, sorted: the grouping's working array. */
    private final long[] keys;

    /** Room for a batch of {@code n} samples. */
    LabelGroups(int n) {
        columns = new int[2 * n];
        groupOf = new int[n];
        start = new int[n + 1];
        keys = new long[n];
    }

    /** Samples in a batch this grouping has room for. */
    int samples() {
        return groupOf.length;
    }

    /** Groups the columns by {@code labels} (one per sample, {@link #samples()} of them). */
    LabelGroups group(int[] labels) {
        int n = labels.length;
        for (int i = 0; i < n; i++) {
            keys[i] = (long) labels[i] << 32 | i;
        }
        Arrays.sort(keys);
        int groups = 0, at = 0;
        for (int k = 0; k < n; ) {
            int label = (int) (keys[k] >> 32);
            int end = k;
            while (end < n && (int) (keys[end] >> 32) == label) {
                end++;
            }
            start[groups] = at;
            for (int v = 0; v < 2; v++) {
                for (int q = k; q < end; q++) {
                    int i = (int) keys[q];
                    groupOf[i] = groups;
                    columns[at++] = i + v * n;
                }
            }
            groups++;
            k = end;
        }
        start[groups] = at;
        return this;
    }
}
