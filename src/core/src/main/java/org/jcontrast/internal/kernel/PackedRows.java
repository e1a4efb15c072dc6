package org.jcontrast.internal.kernel;

/**
 * The rows of a row-major matrix ({@code rows × cols} floats from {@code offset} of
 * {@code source}), laid out once by {@link GemmKernel#pack} for many products of blocks of them
 * ({@link GemmKernel#productNT}). {@code panels} holds the kernel's layout, or is null for a kernel
 * that reads the source as it is. Immutable once packed: threads may share it, as long as nobody
 * writes the source or the panels meanwhile.
 */
public record PackedRows(float[] source, int offset, int rows, int cols, float[] panels) {
}
