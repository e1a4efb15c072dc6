package org.jcontrast.internal.kernel;

/**
 * The rows of a row-major matrix ({@code rows × cols} floats from {@code offset} of
 * {@code source}) in blocks of {@code block} rows, the last one possibly shorter, laid out once by
 * {@link GemmKernel#packBlocks} as the right operand of many products op(A)·block
 * ({@link GemmKernel#addProduct}), where the block's rows are the product's k. {@code panels} holds
 * the kernel's layout, or is null for a kernel that reads the source as it is. Immutable once
 * packed: threads may share it, as long as nobody writes the source or the panels meanwhile.
 */
public record PackedBlocks(float[] source, int offset, int rows, int cols, int block, float[] panels) {
    /** How many blocks the rows make. */
    public int blocks() {
        return Math.ceilDiv(rows, block);
    }

    /** The first row of block {@code q}. */
    public int firstRow(int q) {
        return q * block;
    }

    /** The rows in block {@code q}: {@code block}, or fewer in the last one. */
    public int rowsIn(int q) {
        return Math.min(block, rows - q * block);
    }
}
