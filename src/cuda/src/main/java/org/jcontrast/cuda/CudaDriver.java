package org.jcontrast.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import org.jcontrast.internal.backend.BackendUnavailableException;

/**
 * The few libcuda (driver API) functions that load our PTX and launch its kernels, bound with
 * hand-written descriptors (CUresult and enums are C ints, handles pointers). They work in the
 * device's primary context, which the runtime API makes current on each thread that uses the
 * backend, and on the runtime's streams (a {@code cudaStream_t} is a {@code CUstream}). A failing
 * call throws a {@link CudaException} carrying {@code cuGetErrorName} and {@code cuGetErrorString}.
 */
@SuppressWarnings("restricted") // calling native code is this class's purpose
final class CudaDriver {
    private static final int JIT_ERROR_LOG_BUFFER = 5;
    private static final int JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
    private static final int ERROR_LOG_BYTES = 4096;
    private static final FunctionDescriptor STATUS_OF_POINTER = FunctionDescriptor.of(JAVA_INT, ADDRESS);

    private final MethodHandle init;
    private final MethodHandle driverGetVersion;
    private final MethodHandle ctxGetCurrent;
    private final MethodHandle moduleLoadDataEx;
    private final MethodHandle moduleGetFunction;
    private final MethodHandle moduleUnload;
    private final MethodHandle launchKernel;
    private final MethodHandle getErrorName;
    private final MethodHandle getErrorString;

    CudaDriver(NativeLibrary lib) throws BackendUnavailableException {
        init = lib.bind("cuInit", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        driverGetVersion = lib.bind("cuDriverGetVersion", STATUS_OF_POINTER);
        ctxGetCurrent = lib.bind("cuCtxGetCurrent", STATUS_OF_POINTER);
        moduleLoadDataEx = lib.bind("cuModuleLoadDataEx",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        moduleGetFunction = lib.bind("cuModuleGetFunction", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        moduleUnload = lib.bind("cuModuleUnload", STATUS_OF_POINTER);
        launchKernel = lib.bind("cuLaunchKernel", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
        getErrorName = lib.bind("cuGetErrorName", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
        getErrorString = lib.bind("cuGetErrorString", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** cuInit(0): must precede every other driver call; repeating it is harmless. */
    void init() {
        try {
            check("cuInit", (int) init.invokeExact(0));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** The newest CUDA version the driver supports, encoded 1000·major + 10·minor. */
    int driverVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cuDriverGetVersion", (int) driverGetVersion.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Whether the calling thread has a current context (the runtime's primary context, once it made one). */
    boolean hasCurrentContext() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuCtxGetCurrent", (int) ctxGetCurrent.invokeExact(out));
            return out.get(ADDRESS, 0).address() != 0;
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /**
     * Loads a PTX text (JIT-compiled by the driver for the current device) into the current context;
     * the exception's message carries the JIT's error log when it refuses it.
     */
    MemorySegment loadModule(String ptx) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            MemorySegment log = arena.allocate(ERROR_LOG_BYTES);
            MemorySegment options = arena.allocateFrom(JAVA_INT, JIT_ERROR_LOG_BUFFER, JIT_ERROR_LOG_BUFFER_SIZE_BYTES);
            MemorySegment values = arena.allocate(ADDRESS, 2);
            values.setAtIndex(ADDRESS, 0, log);
            values.setAtIndex(ADDRESS, 1, MemorySegment.ofAddress(ERROR_LOG_BYTES)); // a size passed as the pointer
            int status = (int) moduleLoadDataEx.invokeExact(out, arena.allocateFrom(ptx), 2, options, values);
            if (status != 0) {
                String jit = log.getString(0).strip();
                throw new CudaException("cuModuleLoadDataEx failed: " + describe(status)
                        + (jit.isEmpty() ? "" : "; JIT log: " + jit));
            }
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** The kernel {@code name} of a loaded module. */
    MemorySegment function(MemorySegment module, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cuModuleGetFunction(" + name + ")",
                    (int) moduleGetFunction.invokeExact(out, module, arena.allocateFrom(name)));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Unloads a module from the current context. */
    void unload(MemorySegment module) {
        try {
            check("cuModuleUnload", (int) moduleUnload.invokeExact(module));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /**
     * Queues a kernel on {@code stream}: a grid of gridX × gridY blocks of blockX × blockY threads,
     * no dynamic shared memory, {@code parameters} an array of pointers to each argument's value.
     */
    void launch(String name, MemorySegment function, int gridX, int gridY, int blockX, int blockY,
                MemorySegment stream, MemorySegment parameters) {
        try {
            check("cuLaunchKernel(" + name + ")", (int) launchKernel.invokeExact(function, gridX, gridY, 1, blockX,
                    blockY, 1, 0, stream, parameters, MemorySegment.NULL));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    private void check(String function, int status) {
        if (status != 0) {
            throw new CudaException(function + " failed: " + describe(status));
        }
    }

    /** e.g. {@code CUDA_ERROR_NO_DEVICE: no CUDA-capable device is detected (driver error 100)}. */
    private String describe(int status) {
        String name = text(getErrorName, status), description = text(getErrorString, status);
        return (name == null || description == null ? "unknown error" : name + ": " + description)
                + " (driver error " + status + ")";
    }

    /** The error's name or description, or null when the driver does not know the code. */
    private static String text(MethodHandle lookup, int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            int found = (int) lookup.invokeExact(status, out);
            MemorySegment text = out.get(ADDRESS, 0);
            return found != 0 || text.address() == 0 ? null : text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }
}
