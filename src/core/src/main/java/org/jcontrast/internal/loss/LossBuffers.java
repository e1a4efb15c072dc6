package org.jcontrast.internal.loss;

import java.lang.ref.SoftReference;
import java.util.Arrays;

/**
 * The working arrays of a streaming loss call that grow with the batch: a hard selection's
 * candidate heaps and, for top-K, {@link SelectedPairs}' sparse gradient; InfoNCE's copy of the
 * memory bank. Each thread keeps one set between calls, softly (memory pressure may take it), so
 * that a warmed-up loss allocates no O(N·K) or O(M·d) arrays per call. A call {@link #take}s its
 * thread's set out of the cache and {@link #release}s it when done, so a nested call would get its
 * own. Not thread-safe: one call's arrays, read by its parallel tasks.
 */
final class LossBuffers {
    private static final ThreadLocal<SoftReference<LossBuffers>> CACHE = new ThreadLocal<>();

    private long[] keys = new long[0];
    private int[] sizes = new int[0];
    private float[] floats = new float[0];
    private int[] ints = new int[0];
    private float[] bank = new float[0];

    private LossBuffers() {
    }

    /** This thread's cached set, or a new one; hand it back with {@link #release}. */
    static LossBuffers take() {
        SoftReference<LossBuffers> cached = CACHE.get();
        LossBuffers buffers = cached == null ? null : cached.get();
        CACHE.remove();
        return buffers == null ? new LossBuffers() : buffers;
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

    /** Floats for a copy of the memory bank, exactly {@code n} of them, contents left as they are. */
    float[] bank(int n) {
        if (bank.length != n) {
            bank = new float[n];
        }
        return bank;
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
