package org.jcontrast.cuda;

import static java.lang.foreign.ValueLayout.JAVA_FLOAT;

import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.jcontrast.internal.backend.BackendUnavailableException;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.backend.Releases;
import org.jcontrast.internal.backend.ResidentSweeps;

/**
 * Matrix products with cuBLAS on the first CUDA device, called through the FFM API.
 *
 * <p>cuBLAS is column-major and jcontrast row-major: a row-major matrix read column-major is its
 * transpose, so row-major C = op(A)·op(B) is computed as column-major Cᵀ = op(B)ᵀ·op(A)ᵀ by
 * swapping the operands, with no transposing copies. A·Aᵀ is one SYRK triangle, mirrored on the
 * host while the result is copied out.
 *
 * <p>Each calling thread gets its own stream, cuBLAS handle and pinned staging buffer, made on its
 * first call and kept until {@link #close()}. Host products ({@link #gemm(boolean, boolean, int,
 * int, int, float, float[], int, int, float[], int, int, float, float[], int, int) gemm},
 * {@link #gram}) upload the operands, compute and download, freeing the device memory before they
 * return; {@link #upload}, {@link DeviceMatrix} and the device-level {@link #gemm(boolean, boolean,
 * float, DeviceMatrix, DeviceMatrix, float, DeviceMatrix) gemm} let a caller keep operands on the
 * device, or time transfers and compute apart. {@link #residentSweeps()} runs the streaming losses'
 * passes on the device with our own kernels ({@link CudaResidentSweeps}).
 */
public final class CudaGemmBackend implements GemmBackend {
    /** Pinned staging per thread; larger transfers go through it in chunks of rows. */
    private static final long STAGING_BYTES = 32L << 20;
    /** Products whose operands need more of the device's memory than this stay on the CPU. */
    private static final double MEMORY_FRACTION = 0.8;

    private final CudaRuntime cuda;
    private final Cublas cublas;
    private final CudaDevice device;
    private final String blasLibrary;
    private final Precision precision;
    private final String precisionNote;
    private final ThreadLocal<ThreadContext> contexts = new ThreadLocal<>();
    private final Queue<ThreadContext> opened = new ConcurrentLinkedQueue<>();
    private final Optional<Path> override;
    /** Null until asked for; then the resident sweeps, or the reason there are none. */
    private CudaResidentSweeps resident;
    private String residentReason;
    private volatile boolean closed;

    private CudaGemmBackend(CudaRuntime cuda, Cublas cublas, CudaDevice device, String blasLibrary,
                            Precision asked, Optional<Path> override) {
        this.override = override;
        this.cuda = cuda;
        this.cublas = cublas;
        this.device = device;
        this.blasLibrary = blasLibrary;
        boolean tf32 = asked == Precision.TF32 && device.hasTensorFloat32();
        this.precision = tf32 ? Precision.TF32 : Precision.FP32;
        this.precisionNote = asked == Precision.TF32 && !tf32
                ? " (TF32 was asked, but " + device.architecture() + " has no TF32 tensor cores)" : "";
    }

    /**
     * Probes in stages, each failure becoming the exception's reason: libcudart loads and exports
     * what we bind; {@code cudaGetDeviceCount} succeeds with at least one device; device 0 answers
     * its queries; libcublas loads and exports what we bind; {@code cublasCreate_v2} succeeds.
     */
    static CudaGemmBackend open(Optional<Path> override, Precision asked) throws BackendUnavailableException {
        NativeLibrary runtimeLibrary = CudaLibraries.openRuntime(override);
        CudaRuntime cuda = new CudaRuntime(runtimeLibrary);
        CudaDevice device;
        try {
            int count = cuda.deviceCount();
            if (count < 1) {
                throw new BackendUnavailableException("no CUDA device: cudaGetDeviceCount found none ("
                        + runtimeLibrary.name() + ")");
            }
            cuda.setDevice(0);
            device = CudaDevice.query(cuda, 0);
        } catch (CudaException e) {
            throw new BackendUnavailableException(e.getMessage() + " (" + runtimeLibrary.name() + ")");
        }
        NativeLibrary blasLibrary = CudaLibraries.openBlas(override, runtimeLibrary);
        CudaGemmBackend backend = new CudaGemmBackend(cuda, new Cublas(blasLibrary), device, blasLibrary.name(),
                asked, override);
        try {
            backend.context();
        } catch (CudaException e) {
            throw new BackendUnavailableException(e.getMessage() + " (" + blasLibrary.name() + ")");
        }
        return backend;
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public String describe() {
        return device.describe() + ", " + blasLibrary + ", " + precision + precisionNote;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    @Override
    public boolean accepts(int m, int n, int k) {
        double bytes = 4.0 * ((double) m * k + (double) k * n + (double) m * n);
        return m > 0 && n > 0 && k > 0 && bytes <= MEMORY_FRACTION * device.totalMemory();
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                     float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        checkHost("C", c, offC, m, n, ldc);
        // With beta ≠ 0 a CPU fallback reads C, so C must stay as it was until every device call has
        // succeeded: the result goes to a separate array first. With beta = 0 it is overwritten anyway.
        boolean direct = beta == 0f;
        float[] result = direct ? c : new float[m * n];
        try (DeviceMatrix da = upload(a, offA, transA ? k : m, transA ? m : k, lda);
             DeviceMatrix db = upload(b, offB, transB ? n : k, transB ? k : n, ldb);
             DeviceMatrix dc = direct ? allocate(m, n) : upload(c, offC, m, n, ldc)) {
            gemm(transA, transB, alpha, da, db, beta, dc);
            download(dc, result, direct ? offC : 0, direct ? ldc : n);
        }
        if (!direct) {
            for (int i = 0; i < m; i++) {
                System.arraycopy(result, i * n, c, offC + i * ldc, n);
            }
        }
    }

    @Override
    public void gram(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc) {
        checkHost("C", c, offC, n, n, ldc);
        try (DeviceMatrix da = upload(a, offA, n, k, lda); DeviceMatrix dc = allocate(n, n)) {
            syrkLower(1f, da, 0f, dc);
            download(dc, c, offC, ldc);
        }
        mirrorLower(c, offC, ldc, n);
    }

    /**
     * Uninitialised device memory for a rows×cols matrix.
     *
     * @param rows the rows
     * @param cols the columns
     * @return the matrix; close it to free the memory
     */
    public DeviceMatrix allocate(int rows, int cols) {
        checkOpen();
        return new DeviceMatrix(cuda, rows, cols);
    }

    /**
     * Copies the rows×cols matrix at {@code src[offset]} with row stride {@code ld} to the device; waits until done.
     *
     * @param src the host array
     * @param offset index in {@code src} of the first element
     * @param rows the rows
     * @param cols the columns
     * @param ld the row stride in {@code src}, ≥ cols
     * @return the device copy; close it to free the memory
     */
    public DeviceMatrix upload(float[] src, int offset, int rows, int cols, int ld) {
        checkHost("the source", src, offset, rows, cols, ld);
        DeviceMatrix d = allocate(rows, cols);
        try {
            transfer(d, src, offset, ld, true);
            return d;
        } catch (RuntimeException e) {
            try {
                d.close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    /**
     * Copies {@code src} to {@code dst[offset]} with row stride {@code ld}, after the work queued before it.
     *
     * @param src the device matrix
     * @param dst the host array
     * @param offset index in {@code dst} of the first element
     * @param ld the row stride in {@code dst}, ≥ the columns
     */
    public void download(DeviceMatrix src, float[] dst, int offset, int ld) {
        checkHost("the destination", dst, offset, src.rows(), src.cols(), ld);
        transfer(src, dst, offset, ld, false);
    }

    /**
     * Queues C = alpha·op(A)·op(B) + beta·C on this thread's stream, all row-major on the device,
     * in the backend's precision; returns before it is done (see {@link #synchronize()}).
     *
     * @param transA whether A is transposed
     * @param transB whether B is transposed
     * @param alpha the product's factor
     * @param a A on the device
     * @param b B on the device
     * @param beta C's factor; 0 does not read C
     * @param c C on the device, overwritten
     */
    public void gemm(boolean transA, boolean transB, float alpha, DeviceMatrix a, DeviceMatrix b, float beta,
                     DeviceMatrix c) {
        int m = transA ? a.cols() : a.rows();
        int k = transA ? a.rows() : a.cols();
        int n = transB ? b.rows() : b.cols();
        if ((transB ? b.cols() : b.rows()) != k || c.rows() != m || c.cols() != n) {
            throw new IllegalArgumentException("gemm: " + shape(a, transA) + " · " + shape(b, transB) + " into "
                    + shape(c, false));
        }
        gemm(transA, transB, m, n, k, alpha, a.pointer(), a.cols(), b.pointer(), b.cols(), beta, c.pointer(), c.cols());
    }

    /**
     * Queues C = alpha·op(A)·op(B) + beta·C on this thread's stream for row-major matrices at device
     * addresses with row strides lda, ldb, ldc, in the backend's precision.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
              MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        ThreadContext context = context();
        // Row-major X is column-major Xᵀ: Cᵀ = op(B)ᵀ·op(A)ᵀ, so B goes first, each keeping its flag.
        int opB = transB ? Cublas.OP_T : Cublas.OP_N;
        int opA = transA ? Cublas.OP_T : Cublas.OP_N;
        if (precision == Precision.TF32) {
            cublas.gemmEx(context.handle(), opB, opA, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc,
                    Cublas.COMPUTE_32F_FAST_TF32);
        } else {
            cublas.sgemm(context.handle(), opB, opA, n, m, k, alpha, b, ldb, a, lda, beta, c, ldc);
        }
    }

    /**
     * Queues the lower triangle (row-major) of C = alpha·A·Aᵀ + beta·C on this thread's stream; the
     * strict upper triangle of C is left as it was. A is n×k, C n×n.
     *
     * @param alpha the product's factor
     * @param a A, n×k on the device
     * @param beta C's factor; 0 does not read C
     * @param c C, n×n on the device
     */
    public void syrkLower(float alpha, DeviceMatrix a, float beta, DeviceMatrix c) {
        int n = a.rows();
        if (c.rows() != n || c.cols() != n) {
            throw new IllegalArgumentException("syrk: " + shape(a, false) + " · " + shape(a, true) + " into "
                    + shape(c, false));
        }
        // Column-major, the buffer of A is the k×n matrix Aᵀ, and C = (Aᵀ)ᵀ·Aᵀ is SYRK with trans = T;
        // the row-major lower triangle is the column-major upper one.
        cublas.ssyrk(context().handle(), Cublas.FILL_UPPER, Cublas.OP_T, n, a.cols(), alpha, a.pointer(), a.cols(),
                beta, c.pointer(), n);
    }

    /** Waits for the work queued by this thread, and reports its errors. */
    public void synchronize() {
        cuda.streamSynchronize(context().stream());
    }

    /**
     * The resident streaming-loss passes, set up on the first call: libcuda found (where the runtime
     * was looked for), the driver initialised, the kernels' PTX loaded. A failure is the exception's
     * reason, then and on every later call.
     */
    @Override
    public synchronized Optional<ResidentSweeps> residentSweeps() throws BackendUnavailableException {
        checkOpen();
        if (resident == null && residentReason == null) {
            try {
                resident = CudaResidentSweeps.open(this, CudaLibraries.openDriver(override));
            } catch (BackendUnavailableException e) {
                residentReason = e.getMessage();
            }
        }
        if (resident == null) {
            throw new BackendUnavailableException(residentReason);
        }
        return Optional.of(resident);
    }

    /** Uninitialised device memory of {@code bytes}. */
    DeviceBuffer allocateBytes(long bytes) {
        checkOpen();
        return new DeviceBuffer(cuda, bytes);
    }

    /** Bytes from the heap (a segment over a Java array) to device memory, through the staging buffer; waits. */
    void copyToDevice(MemorySegment host, MemorySegment device, long bytes) {
        copy(host, device, bytes, true);
    }

    /** Bytes from device memory to the heap, after the work queued before; waits. */
    void copyToHost(MemorySegment device, MemorySegment host, long bytes) {
        copy(device, host, bytes, false);
    }

    /** Queues zeroing {@code bytes} of device memory on this thread's stream. */
    void zero(MemorySegment device, long bytes) {
        cuda.memsetAsync(device, 0, bytes, context().stream());
    }

    /** The device memory in bytes. */
    long totalMemory() {
        return device.totalMemory();
    }

    private void copy(MemorySegment from, MemorySegment to, long bytes, boolean toDevice) {
        ThreadContext context = context();
        long chunk = Math.min(bytes, STAGING_BYTES);
        MemorySegment stage = context.staging(chunk);
        for (long done = 0; done < bytes; done += chunk) {
            long count = Math.min(chunk, bytes - done);
            if (toDevice) {
                MemorySegment.copy(from, done, stage, 0, count);
                cuda.memcpyAsync(offset(to, done), stage, count, CudaRuntime.HOST_TO_DEVICE, context.stream());
                cuda.streamSynchronize(context.stream());
            } else {
                cuda.memcpyAsync(stage, offset(from, done), count, CudaRuntime.DEVICE_TO_HOST, context.stream());
                cuda.streamSynchronize(context.stream());
                MemorySegment.copy(stage, 0, to, done, count);
            }
        }
    }

    private static MemorySegment offset(MemorySegment device, long bytes) {
        return MemorySegment.ofAddress(device.address() + bytes);
    }

    /**
     * Unloads the resident sweeps' kernels and releases every thread's stream, handle and staging
     * buffer. Call it once no thread uses the backend any more; later calls fail with
     * {@link IllegalStateException}.
     */
    @Override
    public void close() {
        List<Runnable> steps = new ArrayList<>();
        synchronized (this) {
            if (resident != null) {
                CudaResidentSweeps r = resident;
                resident = null;
                residentReason = "the CUDA backend was closed";
                steps.add(() -> {
                    cuda.setDevice(device.ordinal()); // the module's context must be current here
                    r.unload();
                });
            }
        }
        closed = true;
        for (ThreadContext context = opened.poll(); context != null; context = opened.poll()) {
            steps.add(context::close);
        }
        Releases.all(steps);
    }

    /** This thread's stream, cuBLAS handle and staging buffer, made on its first call. */
    ThreadContext context() {
        checkOpen();
        ThreadContext context = contexts.get();
        if (context == null) {
            context = ThreadContext.create(cuda, cublas, device.ordinal(),
                    precision == Precision.TF32 ? Cublas.TF32_TENSOR_OP_MATH : Cublas.DEFAULT_MATH);
            contexts.set(context);
            opened.add(context);
        }
        return context;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the CUDA backend was closed");
        }
    }

    /**
     * Moves a matrix between the heap and the device through the pinned staging buffer, in chunks of
     * rows, waiting for each chunk: the buffer is refilled right after.
     */
    private void transfer(DeviceMatrix d, float[] host, int offset, int ld, boolean toDevice) {
        ThreadContext context = context();
        int rows = d.rows(), cols = d.cols();
        long rowBytes = 4L * cols;
        int chunkRows = (int) Math.max(1, Math.min(rows, STAGING_BYTES / rowBytes));
        MemorySegment stage = context.staging(chunkRows * rowBytes);
        for (int r0 = 0; r0 < rows; r0 += chunkRows) {
            int count = Math.min(chunkRows, rows - r0);
            int first = offset + r0 * ld;
            if (toDevice) {
                for (int r = 0; r < count; r++) {
                    MemorySegment.copy(host, first + r * ld, stage, JAVA_FLOAT, r * rowBytes, cols);
                }
                cuda.memcpyAsync(d.row(r0), stage, count * rowBytes, CudaRuntime.HOST_TO_DEVICE, context.stream());
                cuda.streamSynchronize(context.stream());
            } else {
                cuda.memcpyAsync(stage, d.row(r0), count * rowBytes, CudaRuntime.DEVICE_TO_HOST, context.stream());
                cuda.streamSynchronize(context.stream());
                for (int r = 0; r < count; r++) {
                    MemorySegment.copy(stage, JAVA_FLOAT, r * rowBytes, host, first + r * ld, cols);
                }
            }
        }
    }

    /** Copies the lower triangle of row-major C onto the upper one, in blocks so the column-wise writes stay in cache. */
    private static void mirrorLower(float[] c, int offC, int ldc, int n) {
        final int block = 64;
        for (int i0 = 0; i0 < n; i0 += block) {
            int i1 = Math.min(n, i0 + block);
            for (int j0 = 0; j0 <= i0; j0 += block) {
                for (int i = i0; i < i1; i++) {
                    int jEnd = Math.min(j0 + block, i);
                    for (int j = j0; j < jEnd; j++) {
                        c[offC + j * ldc + i] = c[offC + i * ldc + j];
                    }
                }
            }
        }
    }

    private static void checkHost(String what, float[] x, int offset, int rows, int cols, int ld) {
        if (rows < 1 || cols < 1 || ld < cols || offset < 0
                || (long) offset + (long) (rows - 1) * ld + cols > x.length) {
            throw new IllegalArgumentException(what + ": a " + rows + "x" + cols + " matrix with row stride " + ld
                    + " at offset " + offset + " does not fit in an array of " + x.length + " floats");
        }
    }

    private static String shape(DeviceMatrix x, boolean transposed) {
        return "[" + x.rows() + ", " + x.cols() + "]" + (transposed ? "ᵀ" : "");
    }
}
