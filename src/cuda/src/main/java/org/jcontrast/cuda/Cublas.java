package org.jcontrast.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jcontrast.internal.backend.BackendUnavailableException;

/**
 * The few libcublas functions the backend needs, bound with hand-written descriptors (statuses and
 * enums are C ints, handles and streams pointers, alpha and beta host pointers). A failing call
 * throws a {@link CudaException} carrying {@code cublasGetStatusString}'s text.
 */
@SuppressWarnings("restricted") // calling native code is this class's purpose
final class Cublas {
    static final int OP_N = 0;
    static final int OP_T = 1;
    static final int FILL_UPPER = 1;
    static final int DEFAULT_MATH = 0;
    static final int TF32_TENSOR_OP_MATH = 3;
    static final int COMPUTE_32F_FAST_TF32 = 77;
    private static final int R_32F = 0;
    private static final int GEMM_DEFAULT = -1;

    private final MethodHandle create;
    private final MethodHandle destroy;
    private final MethodHandle setStream;
    private final MethodHandle setMathMode;
    private final MethodHandle sgemm;
    private final MethodHandle gemmEx;
    private final MethodHandle ssyrk;
    /** Absent before CUDA 11.4.2; messages then carry the status number alone. */
    private final Optional<MethodHandle> getStatusString;

    Cublas(NativeLibrary lib) throws BackendUnavailableException {
        create = lib.bind("cublasCreate_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        destroy = lib.bind("cublasDestroy_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setStream = lib.bind("cublasSetStream_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        setMathMode = lib.bind("cublasSetMathMode", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        sgemm = lib.bind("cublasSgemm_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, ADDRESS,
                JAVA_INT));
        gemmEx = lib.bind("cublasGemmEx", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        ssyrk = lib.bind("cublasSsyrk_v2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        getStatusString = lib.bindFirst(FunctionDescriptor.of(ADDRESS, JAVA_INT), "cublasGetStatusString");
    }

    MemorySegment create() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cublasCreate_v2", (int) create.invokeExact(out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    void destroy(MemorySegment handle) {
        try {
            check("cublasDestroy_v2", (int) destroy.invokeExact(handle));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    void setStream(MemorySegment handle, MemorySegment stream) {
        try {
            check("cublasSetStream_v2", (int) setStream.invokeExact(handle, stream));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    void setMathMode(MemorySegment handle, int mode) {
        try {
            check("cublasSetMathMode", (int) setMathMode.invokeExact(handle, mode));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Column-major C = alpha·op(A)·op(B) + beta·C, queued on the handle's stream. */
    void sgemm(MemorySegment handle, int transA, int transB, int m, int n, int k, float alpha, MemorySegment a,
               int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pa = arena.allocateFrom(JAVA_FLOAT, alpha);
            MemorySegment pb = arena.allocateFrom(JAVA_FLOAT, beta);
            check("cublasSgemm_v2", (int) sgemm.invokeExact(handle, transA, transB, m, n, k, pa, a, lda, b, ldb,
                    pb, c, ldc));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** {@link #sgemm} on float32 matrices with the given compute type, e.g. {@link #COMPUTE_32F_FAST_TF32}. */
    void gemmEx(MemorySegment handle, int transA, int transB, int m, int n, int k, float alpha, MemorySegment a,
                int lda, MemorySegment b, int ldb, float beta, MemorySegment c, int ldc, int computeType) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pa = arena.allocateFrom(JAVA_FLOAT, alpha);
            MemorySegment pb = arena.allocateFrom(JAVA_FLOAT, beta);
            check("cublasGemmEx", (int) gemmEx.invokeExact(handle, transA, transB, m, n, k, pa, a, R_32F, lda, b,
                    R_32F, ldb, pb, c, R_32F, ldc, computeType, GEMM_DEFAULT));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** One triangle of column-major C = alpha·op(A)·op(A)ᵀ + beta·C, queued on the handle's stream. */
    void ssyrk(MemorySegment handle, int uplo, int trans, int n, int k, float alpha, MemorySegment a, int lda,
               float beta, MemorySegment c, int ldc) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pa = arena.allocateFrom(JAVA_FLOAT, alpha);
            MemorySegment pb = arena.allocateFrom(JAVA_FLOAT, beta);
            check("cublasSsyrk_v2", (int) ssyrk.invokeExact(handle, uplo, trans, n, k, pa, a, lda, pb, c, ldc));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    private void check(String function, int status) {
        if (status != 0) {
            throw new CudaException(function + " failed: " + statusString(status) + " (cuBLAS status " + status + ")");
        }
    }

    private String statusString(int status) {
        if (getStatusString.isEmpty()) {
            return "no description in this cuBLAS";
        }
        try {
            MemorySegment text = (MemorySegment) getStatusString.get().invokeExact(status);
            return text.address() == 0 ? "no description" : text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }
}
