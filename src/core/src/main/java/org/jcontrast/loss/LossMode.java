package org.jcontrast.loss;

import org.jcontrast.internal.loss.ComposedLosses;

/**
 * How a {@link Loss} from {@link Losses#create} computes; every mode gives the same values within float32 rounding.
 * <p>Immutable and thread-safe.
 */
public enum LossMode {
    /** Streaming, except for a hard selection whose candidates outnumber the matrix (see {@link Losses}). */
    AUTO,
    /** The whole similarity matrix in memory, O(N²). */
    MATERIALIZED,
    /**
     * Tile by tile, never the whole matrix: O(N·d + tile²·threads) memory (more for a hard
     * selection). The O(N·d) includes, for inputs of up to 64 MiB in the CPU kernel's layouts, a
     * packed copy of the embeddings; NT-Xent, DCL, DCLW, SupCon and CLIP (at τ ≥ 0.025) also keep
     * the first tiles' exponentials between the forward and the backward pass, up to the engine's
     * loss cache ({@link org.jcontrast.Engine#lossCache()}, 32 MiB by default). The calling thread
     * keeps both buffers, softly reachable, for its next call.
     */
    STREAMING,
    /** The autograd composition ({@link ComposedLosses}): slow and memory-hungry, the readable reference. */
    COMPOSED
}
