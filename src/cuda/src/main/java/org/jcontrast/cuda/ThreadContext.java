package org.jcontrast.cuda;

import java.lang.foreign.MemorySegment;
import java.util.List;
import org.jcontrast.internal.backend.Releases;

/**
 * What one thread uses to drive the device: its own stream, a cuBLAS handle bound to that stream
 * (handles must not be shared between threads at once), and a pinned staging buffer. Closing
 * releases all three.
 */
final class ThreadContext implements AutoCloseable {
    private final CudaRuntime cuda;
    private final Cublas cublas;
    private final MemorySegment stream;
    private final MemorySegment handle;
    private PinnedBuffer staging;

    private ThreadContext(CudaRuntime cuda, Cublas cublas, MemorySegment stream, MemorySegment handle) {
        this.cuda = cuda;
        this.cublas = cublas;
        this.stream = stream;
        this.handle = handle;
    }

    /** Makes {@code device} current on the calling thread and creates its stream and handle. */
    static ThreadContext create(CudaRuntime cuda, Cublas cublas, int device, int mathMode) {
        cuda.setDevice(device);
        MemorySegment stream = cuda.streamCreate();
        MemorySegment handle = null;
        try {
            handle = cublas.create();
            cublas.setStream(handle, stream);
            cublas.setMathMode(handle, mathMode);
            return new ThreadContext(cuda, cublas, stream, handle);
        } catch (RuntimeException e) {
            try {
                if (handle != null) {
                    cublas.destroy(handle);
                }
                cuda.streamDestroy(stream);
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    MemorySegment stream() {
        return stream;
    }

    MemorySegment handle() {
        return handle;
    }

    /** The staging buffer, grown to at least {@code bytes}. */
    MemorySegment staging(long bytes) {
        if (staging == null || staging.bytes() < bytes) {
            if (staging != null) {
                PinnedBuffer old = staging;
                staging = null;
                old.close();
            }
            staging = new PinnedBuffer(cuda, bytes);
        }
        return staging.memory();
    }

    @Override
    public void close() {
        Releases.all(List.of(
                () -> cublas.destroy(handle),
                () -> cuda.streamDestroy(stream),
                () -> {
                    if (staging != null) {
                        staging.close();
                    }
                }));
    }
}
