package org.jcontrast.internal.loss;

import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * The working arrays of a streaming hard selection: the candidate heaps' and, for top-K, those of
 * {@link SelectedPairs}' sparse gradient. Each thread keeps one set between calls, softly (memory
 * pressure may take it), so that a warmed-up hard loss allocates no O(N·K) arrays per call. A call
 * {@link #take}s its thread's set out of the cache and {@link #release}s it when done, so a nested
 * call would get its own. Not thread-safe: one call's arrays, read by its parallel tasks.
 */
final class SelectionBuffers {
    private static final ThreadLocal<SoftReference<SelectionBuffers>> CACHE = new ThreadLocal<>();

    private long[] keys = new long[0];
    private int[] sizes = new int[0];
    private float[] floats = new float[0];
    private int[] ints = new int[0];

    private SelectionBuffers() {
    }

    /** This thread's cached set, or a new one; hand it back with {@link #release}. */
    static SelectionBuffers take() {
        SoftReference<SelectionBuffers> cached = CACHE.get();
        SelectionBuffers buffers = cached == null ? null : cached.get();
        CACHE.remove();
        return buffers == null ? new SelectionBuffers() : buffers;
    }

    /** Puts this set back in the calling thread's cache for its next call. */
    void release() {
        CACHE.set(new SoftReference<>(this));
    }

    /** The heaps' keys, at least {@code n} long, contents left as they are. */
    long[] keys(int n) {
        if (keys.length < n) {
            keys = new long[n];
        }
        return keys;
    }

    /** The heaps' sizes, at least {@code n} long, the first n zero. */
    int[] sizes(int n) {
        if (sizes.length < n) {
            sizes = new int[n];
        }
        Arrays.fill(sizes, 0, n, 0);
        return sizes;
    }

    /** Floats for the sparse gradient, at least {@code n}, contents left as they are. */
    float[] floats(int n) {
        if (floats.length < n) {
            floats = new float[n];
        }
        return floats;
    }

    /** Ints for the transposed selections, at least {@code n}, the first n zero. */
    int[] ints(int n) {
        if (ints.length < n) {
            ints = new int[n];
        }
        Arrays.fill(ints, 0, n, 0);
        return ints;
    }
}
