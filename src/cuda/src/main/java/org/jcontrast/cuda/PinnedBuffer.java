package org.jcontrast.cuda;

import java.lang.foreign.MemorySegment;

/**
 * Page-locked host memory that transfers go through: the device copies it by DMA, at full bus
 * speed and asynchronously, which it cannot do from the Java heap. Closing frees it.
 */
final class PinnedBuffer implements AutoCloseable {
    private final CudaRuntime cuda;
    private final MemorySegment memory;
    private boolean closed;

    PinnedBuffer(CudaRuntime cuda, long bytes) {
        this.cuda = cuda;
        this.memory = cuda.mallocHost(bytes);
    }

    MemorySegment memory() {
        if (closed) {
            throw new IllegalStateException("the pinned buffer was freed");
        }
        return memory;
    }

    long bytes() {
        return memory.byteSize();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            cuda.freeHost(memory);
        }
    }
}
