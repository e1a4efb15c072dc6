package org.jcontrast.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Device memory of a number of bytes, owned by this object: closing frees it. The storage of a
 * {@link DeviceMatrix}, and of the resident sweeps' per-anchor arrays (doubles, ints, floats). Not
 * for use after closing, nor by two threads while one closes it.
 */
final class DeviceBuffer implements AutoCloseable {
    private final CudaRuntime cuda;
    private final MemorySegment pointer;
    private final long bytes;
    private boolean closed;

    DeviceBuffer(CudaRuntime cuda, long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("a device buffer needs at least one byte, got " + bytes);
        }
        this.cuda = cuda;
        this.bytes = bytes;
        this.pointer = cuda.malloc(bytes);
    }

    long bytes() {
        return bytes;
    }

    /** The device address. */
    MemorySegment pointer() {
        if (closed) {
            throw new IllegalStateException("the device buffer was closed");
        }
        return pointer;
    }

    /** Frees the device memory. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.free(pointer);
        }
    }
}
