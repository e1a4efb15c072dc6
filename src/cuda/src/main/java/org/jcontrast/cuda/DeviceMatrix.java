package org.jcontrast.cuda;

import java.lang.foreign.MemorySegment;

/**
 * A row-major float matrix in device memory, packed (row stride = columns), owned by this object:
 * closing frees it. Made by {@link CudaGemmBackend#allocate} or {@link CudaGemmBackend#upload}, it
 * lets a caller keep operands on the device across products. Not for use after closing, nor by
 * two threads while one closes it.
 */
public final class DeviceMatrix implements AutoCloseable {
    private final DeviceBuffer memory;
    private final int rows;
    private final int cols;

    DeviceMatrix(CudaRuntime cuda, int rows, int cols) {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("a device matrix needs at least one row and column, got "
                    + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.memory = new DeviceBuffer(cuda, 4L * rows * cols);
    }

    /**
     * Number of rows.
     *
     * @return number of rows
     */
    public int rows() {
        return rows;
    }

    /**
     * Number of columns.
     *
     * @return number of columns
     */
    public int cols() {
        return cols;
    }

    /** The device address of the matrix. */
    MemorySegment pointer() {
        return memory.pointer();
    }

    /** The device address of row {@code r}. */
    MemorySegment row(int r) {
        return MemorySegment.ofAddress(pointer().address() + 4L * r * cols);
    }

    /** Frees the device memory. */
    @Override
    public void close() {
        memory.close();
    }
}
