package org.jcontrast.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;
import org.jcontrast.internal.backend.BackendUnavailableException;

/**
 * The few libcudart functions the backend needs, bound with hand-written descriptors (cudaError_t
 * and enums are C ints; size_t is 64 bits, as on every platform CUDA supports). A failing call
 * throws a {@link CudaException} carrying {@code cudaGetErrorString}'s text.
 */
@SuppressWarnings("restricted") // calling native code is this class's purpose
final class CudaRuntime {
    static final int HOST_TO_DEVICE = 1;
    static final int DEVICE_TO_HOST = 2;
    static final int ATTRIBUTE_MULTIPROCESSORS = 16;
    static final int ATTRIBUTE_CAPABILITY_MAJOR = 75;
    static final int ATTRIBUTE_CAPABILITY_MINOR = 76;
    /**
     * Room for cudaDeviceProp, whose layout changes between CUDA versions (about 1 KiB in 12.x):
     * only its first field, {@code char name[256]}, is read, and that one has never moved.
     */
    private static final long PROPERTIES_BYTES = 4096;
    private static final FunctionDescriptor STATUS_OF_POINTER = FunctionDescriptor.of(JAVA_INT, ADDRESS);
    private static final FunctionDescriptor STATUS_OF_POINTER_SIZE = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG);

    private final MethodHandle runtimeGetVersion;
    private final MethodHandle getDeviceCount;
    private final MethodHandle setDevice;
    private final MethodHandle deviceGetAttribute;
    private final Optional<MethodHandle> getDeviceProperties;
    private final MethodHandle memGetInfo;
    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle mallocHost;
    private final MethodHandle freeHost;
    private final MethodHandle memcpyAsync;
    private final MethodHandle memsetAsync;
    private final MethodHandle streamCreate;
    private final MethodHandle streamDestroy;
    private final MethodHandle streamSynchronize;
    private final MethodHandle getErrorString;

    CudaRuntime(NativeLibrary lib) throws BackendUnavailableException {
        runtimeGetVersion = lib.bind("cudaRuntimeGetVersion", STATUS_OF_POINTER);
        getDeviceCount = lib.bind("cudaGetDeviceCount", STATUS_OF_POINTER);
        setDevice = lib.bind("cudaSetDevice", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        deviceGetAttribute = lib.bind("cudaDeviceGetAttribute",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
        // CUDA 12 added the _v2 entry point for its new struct layout; older runtimes only have the first.
        getDeviceProperties = lib.bindFirst(FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                "cudaGetDeviceProperties_v2", "cudaGetDeviceProperties");
        memGetInfo = lib.bind("cudaMemGetInfo", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        malloc = lib.bind("cudaMalloc", STATUS_OF_POINTER_SIZE);
        free = lib.bind("cudaFree", STATUS_OF_POINTER);
        mallocHost = lib.bind("cudaMallocHost", STATUS_OF_POINTER_SIZE);
        freeHost = lib.bind("cudaFreeHost", STATUS_OF_POINTER);
        memcpyAsync = lib.bind("cudaMemcpyAsync",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS));
        memsetAsync = lib.bind("cudaMemsetAsync",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
        streamCreate = lib.bind("cudaStreamCreate", STATUS_OF_POINTER);
        streamDestroy = lib.bind("cudaStreamDestroy", STATUS_OF_POINTER);
        streamSynchronize = lib.bind("cudaStreamSynchronize", STATUS_OF_POINTER);
        getErrorString = lib.bind("cudaGetErrorString", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** The runtime's version as CUDA encodes it: 1000·major + 10·minor. */
    int runtimeVersion() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cudaRuntimeGetVersion", (int) runtimeGetVersion.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    int deviceCount() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cudaGetDeviceCount", (int) getDeviceCount.invokeExact(out));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Makes {@code device} current for the calling thread. */
    void setDevice(int device) {
        try {
            check("cudaSetDevice", (int) setDevice.invokeExact(device));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    int attribute(int attribute, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(JAVA_INT);
            check("cudaDeviceGetAttribute", (int) deviceGetAttribute.invokeExact(out, attribute, device));
            return out.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** The device's name, or empty when the runtime exports no properties call. */
    Optional<String> deviceName(int device) {
        if (getDeviceProperties.isEmpty()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment properties = arena.allocate(PROPERTIES_BYTES);
            check("cudaGetDeviceProperties", (int) getDeviceProperties.get().invokeExact(properties, device));
            return Optional.of(properties.getString(0));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Total memory of the current device, in bytes. */
    long totalMemory() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment free = arena.allocate(JAVA_LONG);
            MemorySegment total = arena.allocate(JAVA_LONG);
            check("cudaMemGetInfo", (int) memGetInfo.invokeExact(free, total));
            return total.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Device memory: an address only, never dereferenced on the host. */
    MemorySegment malloc(long bytes) {
        return allocate("cudaMalloc", malloc, bytes);
    }

    void free(MemorySegment device) {
        call("cudaFree", free, device);
    }

    /** Page-locked host memory of {@code bytes}, readable and writable from Java. */
    MemorySegment mallocHost(long bytes) {
        return allocate("cudaMallocHost", mallocHost, bytes).reinterpret(bytes);
    }

    void freeHost(MemorySegment host) {
        call("cudaFreeHost", freeHost, host);
    }

    void memcpyAsync(MemorySegment dst, MemorySegment src, long bytes, int kind, MemorySegment stream) {
        try {
            check("cudaMemcpyAsync", (int) memcpyAsync.invokeExact(dst, src, bytes, kind, stream));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Queues setting {@code bytes} bytes of device memory to {@code value} on {@code stream}. */
    void memsetAsync(MemorySegment device, int value, long bytes, MemorySegment stream) {
        try {
            check("cudaMemsetAsync", (int) memsetAsync.invokeExact(device, value, bytes, stream));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    MemorySegment streamCreate() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check("cudaStreamCreate", (int) streamCreate.invokeExact(out));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    void streamDestroy(MemorySegment stream) {
        call("cudaStreamDestroy", streamDestroy, stream);
    }

    /** Waits until everything queued on {@code stream} is done; reports errors of earlier asynchronous work too. */
    void streamSynchronize(MemorySegment stream) {
        call("cudaStreamSynchronize", streamSynchronize, stream);
    }

    private MemorySegment allocate(String function, MethodHandle handle, long bytes) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(ADDRESS);
            check(function, (int) handle.invokeExact(out, bytes));
            return out.get(ADDRESS, 0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    private void call(String function, MethodHandle handle, MemorySegment pointer) {
        try {
            check(function, (int) handle.invokeExact(pointer));
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    private void check(String function, int error) {
        if (error != 0) {
            throw new CudaException(function + " failed: " + errorString(error) + " (CUDA error " + error + ")");
        }
    }

    private String errorString(int error) {
        try {
            MemorySegment text = (MemorySegment) getErrorString.invokeExact(error);
            return text.address() == 0 ? "no description" : text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }
}
