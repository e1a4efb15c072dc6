package org.jcontrast.cuda;

import java.util.concurrent.atomic.AtomicLong;
import org.jcontrast.internal.backend.BackendUnavailableException;
import org.jcontrast.internal.backend.ResidentSweeps;

/**
 * The streaming losses' passes with R and C resident on the device: cuBLAS computes each tile
 * S = R·Cᵀ into device memory, our kernels ({@link LossKernels}) turn it into per-anchor statistics
 * or into H = ∂L/∂S, and cuBLAS accumulates ∂L/∂R += H·C and ∂L/∂C += Hᵀ·R there too
 * ({@link CudaResidentSweep}). Only the statistics and the final gradients cross the bus. Safe to
 * use from several threads: each sweep runs on its caller's stream.
 */
final class CudaResidentSweeps implements ResidentSweeps {
    private final CudaGemmBackend backend;
    private final LossKernels kernels;
    private final int driverVersion;
    private final String driverLibrary;
    private final AtomicLong passes = new AtomicLong();

    private CudaResidentSweeps(CudaGemmBackend backend, LossKernels kernels, int driverVersion, String driverLibrary) {
        this.backend = backend;
        this.kernels = kernels;
        this.driverVersion = driverVersion;
        this.driverLibrary = driverLibrary;
    }

    /**
     * Initialises the driver in {@code library} and loads the kernels into the device's primary
     * context, made current on this thread by the backend's runtime; each failure is the reason.
     */
    static CudaResidentSweeps open(CudaGemmBackend backend, NativeLibrary library) throws BackendUnavailableException {
        CudaDriver driver = new CudaDriver(library);
        try {
            driver.init();
            int version = driver.driverVersion();
            backend.context();
            if (!driver.hasCurrentContext()) {
                throw new BackendUnavailableException("the CUDA runtime made no context current on this thread ("
                        + library.name() + ")");
            }
            return new CudaResidentSweeps(backend, LossKernels.load(driver), version, library.name());
        } catch (CudaException e) {
            throw new BackendUnavailableException(e.getMessage() + " (" + library.name() + ")");
        }
    }

    @Override
    public Sweep open(Plan plan, float[] r, int rowsOffset, float[] c, int colsOffset) {
        return new CudaResidentSweep(backend, kernels, plan, r, rowsOffset, c, colsOffset, passes::incrementAndGet);
    }

    @Override
    public long passes() {
        return passes.get();
    }

    @Override
    public String describe() {
        return "CUDA driver " + driverVersion / 1000 + "." + driverVersion % 1000 / 10 + " (" + driverLibrary
                + "), kernels JIT-compiled from " + kernels.source();
    }

    /** Unloads the kernels; the device's context must be current on the calling thread. */
    void unload() {
        kernels.unload();
    }
}
