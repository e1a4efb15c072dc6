package org.jcontrast.cuda;

/**
 * A failed CUDA runtime or cuBLAS call; the message carries the library's own description of the error.
 * <p>Immutable and thread-safe.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CudaException(String message) {
        super(message);
    }
}
