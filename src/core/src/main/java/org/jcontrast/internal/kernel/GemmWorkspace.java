package org.jcontrast.internal.kernel;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One thread's packing buffers for {@link PanamaGemm}, kept across calls: no allocation in the hot
 * loops. The packed B grows to what a call needs (up to KC×NC, 4 MiB), so threads that only
 * multiply small tiles, as the streaming losses do, hold only a small one. The shared B is the one
 * a thread packs, with the others' help, for a parallel product it calls. A class of its own,
 * sized by its caller, because each vector width's kernel is its own copy of {@link PanamaGemm}
 * (see {@link VectorWidths}) and must not reach the template's constants. Not thread-safe: one
 * per thread; only the panel counters are shared, by the threads of this thread's parallel product.
 */
final class GemmWorkspace {
    final float[] packedA;
    final float[] tile;
    float[] packedB = new float[0];
    float[] sharedB = new float[0];
    /** True while a parallel product of this thread uses {@link #sharedB}. */
    boolean sharing;
    /** Panels of {@link #sharedB}'s current block claimed, and packed, by the product's threads. */
    final AtomicInteger panelsClaimed = new AtomicInteger();
    final AtomicInteger panelsPacked = new AtomicInteger();
    /** Where the kernel's touching loads end up, so that the JIT cannot drop them. */
    int touched;

    GemmWorkspace(int packedASize, int tileSize) {
        packedA = new float[packedASize];
        tile = new float[tileSize];
    }

    float[] packedB(int size) {
        if (packedB.length < size) {
            packedB = new float[size];
        }
        return packedB;
    }

    float[] sharedB(int size) {
        if (sharedB.length < size) {
            sharedB = new float[size];
        }
        return sharedB;
    }
}
