package org.jcontrast.internal.backend;

import java.util.Optional;

/**
 * A matrix-product engine outside the CPU kernels, such as cuBLAS on a GPU. It works on row-major
 * float arrays with the contract of {@link org.jcontrast.internal.kernel.GemmKernel}; the CPU kernels are
 * both the reference it is tested against and the fallback when it fails.
 *
 * <p>Implementations are safe to call from several threads at once, and leave C untouched when
 * they throw, so that the caller can compute the same product on the CPU instead.
 */
public interface GemmBackend extends AutoCloseable {

    /** Short name, e.g. {@code cuda}. */
    String name();

    /** One line for people: the device, its memory, library versions and the precision. */
    String describe();

    /** The arithmetic the device really uses, which may be FP32 when TF32 was asked for. */
    Precision precision();

    /** True when an m×n×k product can run here (all sizes positive, the operands fit in memory). */
    boolean accepts(int m, int n, int k);

    /**
     * C = alpha·op(A)·op(B) + beta·C on row-major arrays, as {@link org.jcontrast.internal.kernel.GemmKernel#gemm}:
     * with {@code beta == 0} C is not read.
     *
     * @throws RuntimeException when the device fails; C is then unchanged
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              float[] a, int offA, int lda, float[] b, int offB, int ldb,
              float beta, float[] c, int offC, int ldc);

    /**
     * The whole symmetric product C = A·Aᵀ, where A is n×k row-major; both triangles of C are written.
     *
     * @throws RuntimeException when the device fails; C is then unchanged
     */
    void gram(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc);

    /**
     * The streaming losses' passes with the embeddings resident on this device, set up on the first
     * call (libraries, kernels); the same object afterwards. Empty (the default) when the backend has
     * no such passes at all.
     *
     * @throws BackendUnavailableException with the reason when it has them but they cannot run here
     */
    default Optional<ResidentSweeps> residentSweeps() throws BackendUnavailableException {
        return Optional.empty();
    }

    /** Releases the device resources; the backend must not be used afterwards. */
    @Override
    void close();
}
