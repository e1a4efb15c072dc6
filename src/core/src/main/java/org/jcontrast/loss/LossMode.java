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
    /** Tile by tile, never the whole matrix: O(N·d + tile²·threads) memory (more for a hard selection). */
    STREAMING,
    /** The autograd composition ({@link ComposedLosses}): slow and memory-hungry, the readable reference. */
    COMPOSED
}
