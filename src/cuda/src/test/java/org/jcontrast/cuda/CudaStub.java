package org.jcontrast.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The C stub of libcudart, libcublas and libcuda ({@code src/test/c/cuda_stub.c}, which includes the
 * kernels' {@code src/main/cuda/loss_kernels.h}), built with gcc into {@code target/cuda-stub/} on
 * first use in a JVM (again only when a source changed), and its control functions called through
 * FFM. Each variant directory holds the stub under the names the backend looks for, as links to one
 * file, so that the three "libraries" and the test share one loaded copy and its state. Without gcc
 * the calling test class is skipped with a message saying so.
 */
@SuppressWarnings("restricted") // calling native code is this class's purpose
final class CudaStub {
    /** Builds of the stub, each in its own directory with the sonames the backend looks for. */
    enum Variant {
        /** Everything the backend binds, as CUDA 12. */
        FULL("full", "12"),
        /** Lacks cublasSsyrk_v2. */
        NO_SYRK("no-syrk", "12", "-DSTUB_WITHOUT_SYRK"),
        /** As CUDA 11.x: no cudaGetDeviceProperties_v2, no cublasGetStatusString. */
        CUDA11("cuda11", "11", "-DSTUB_CUDA11");

        final String directory;
        final String major;
        final List<String> flags;

        Variant(String directory, String major, String... flags) {
            this.directory = directory;
            this.major = major;
            this.flags = List.of(flags);
        }
    }

    private static final Path SOURCE = Path.of("src/test/c/cuda_stub.c");
    private static final Path KERNEL_HEADERS = Path.of("src/main/cuda");
    private static final Path ROOT = Path.of("target/cuda-stub");
    private static final Map<Variant, CudaStub> BUILT = new EnumMap<>(Variant.class);
    /** Why the stub cannot be built here (no gcc), once known. */
    private static String unbuildable;

    private final Path directory;
    private final MethodHandle reset;
    private final MethodHandle setDeviceCount;
    private final MethodHandle setComputeCapability;
    private final MethodHandle failAfter;
    private final MethodHandle calls;
    private final MethodHandle live;

    private CudaStub(Path directory, Path library) {
        this.directory = directory;
        SymbolLookup lookup = SymbolLookup.libraryLookup(library, Arena.global());
        Linker linker = Linker.nativeLinker();
        reset = linker.downcallHandle(lookup.findOrThrow("stub_reset"), FunctionDescriptor.ofVoid());
        setDeviceCount = linker.downcallHandle(lookup.findOrThrow("stub_set_device_count"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        setComputeCapability = linker.downcallHandle(lookup.findOrThrow("stub_set_compute_capability"),
                FunctionDescriptor.ofVoid(JAVA_INT, JAVA_INT));
        failAfter = linker.downcallHandle(lookup.findOrThrow("stub_fail_after"),
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
        calls = linker.downcallHandle(lookup.findOrThrow("stub_calls"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        live = linker.downcallHandle(lookup.findOrThrow("stub_live"), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** The stub built as {@code variant}, reset to one healthy sm_80 device. */
    static synchronized CudaStub get(Variant variant) {
        Assumptions.assumeTrue(unbuildable == null, unbuildable);
        CudaStub stub = BUILT.get(variant);
        if (stub == null) {
            Path dir = ROOT.resolve(variant.directory).toAbsolutePath();
            Path library = dir.resolve("libcudastub.so");
            compile(variant, library);
            link(dir.resolve("libcudart.so." + variant.major), library.getFileName());
            link(dir.resolve("libcublas.so." + variant.major), library.getFileName());
            link(dir.resolve("libcuda.so.1"), library.getFileName());
            stub = new CudaStub(dir, library);
            BUILT.put(variant, stub);
        }
        stub.reset();
        return stub;
    }

    /** A directory with the full stub's libcudart and no libcublas. */
    static Path runtimeOnlyDirectory() {
        Path full = get(Variant.FULL).directory;
        Path dir = ROOT.resolve("runtime-only").toAbsolutePath();
        link(dir.resolve("libcudart.so.12"), full.resolve("libcudastub.so"));
        return dir;
    }

    /** A directory with the full stub's libcudart and libcublas but no libcuda (the driver). */
    static Path noDriverDirectory() {
        Path full = get(Variant.FULL).directory;
        Path dir = ROOT.resolve("no-driver").toAbsolutePath();
        link(dir.resolve("libcudart.so.12"), full.resolve("libcudastub.so"));
        link(dir.resolve("libcublas.so.12"), full.resolve("libcudastub.so"));
        return dir;
    }

    /** A directory without any library. */
    static Path emptyDirectory() {
        Path dir = ROOT.resolve("empty").toAbsolutePath();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return dir;
    }

    /** The directory to give {@code -Djcontrast.cuda.path}. */
    Path directory() {
        return directory;
    }

    /** One device of compute capability 8.0, no failures, call counts at zero. */
    void reset() {
        try {
            reset.invokeExact();
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    void setDeviceCount(int count) {
        try {
            setDeviceCount.invokeExact(count);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    void setComputeCapability(int major, int minor) {
        try {
            setComputeCapability.invokeExact(major, minor);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Makes {@code function} return {@code code} from its next call on. */
    void fail(String function, int code) {
        failAfter(function, 0, code);
    }

    /** Makes {@code function} return {@code code} after {@code successes} more good calls. */
    void failAfter(String function, int successes, int code) {
        try (Arena arena = Arena.ofConfined()) {
            failAfter.invokeExact(arena.allocateFrom(function), successes, code);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    /** Calls of {@code function} since the last reset. */
    int calls(String function) {
        return count(calls, function);
    }

    /** Live objects of a kind: {@code device}, {@code pinned}, {@code stream}, {@code handle} or {@code module}. */
    int live(String kind) {
        return count(live, kind);
    }

    /** Asserts that no device or pinned memory, stream, handle or module is left. */
    void assertNothingLive() {
        for (String kind : new String[] {"device", "pinned", "stream", "handle", "module"}) {
            assertEquals(0, live(kind), "live " + kind + " objects");
        }
    }

    private static int count(MethodHandle handle, String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = arena.allocateFrom(name);
            return (int) handle.invokeExact(text);
        } catch (Throwable t) {
            throw NativeLibrary.unchecked(t);
        }
    }

    private static void compile(Variant variant, Path library) {
        try {
            Path source = SOURCE.toAbsolutePath();
            Path header = KERNEL_HEADERS.resolve("loss_kernels.h").toAbsolutePath();
            if (Files.exists(library)
                    && Files.getLastModifiedTime(library).compareTo(Files.getLastModifiedTime(source)) > 0
                    && Files.getLastModifiedTime(library).compareTo(Files.getLastModifiedTime(header)) > 0) {
                return;
            }
            Files.createDirectories(library.getParent());
            List<String> command = new ArrayList<>(List.of("gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Wextra",
                    "-Werror", "-pthread", "-I" + KERNEL_HEADERS.toAbsolutePath(), "-Wl,-soname,libcudastub.so", "-o",
                    library.toString()));
            command.addAll(variant.flags);
            command.add(source.toString());
            Process gcc;
            try {
                gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                unbuildable = "gcc not found (" + e.getMessage() + "): the cuBLAS backend's tests through "
                        + "its C stub need it to build the stub, so they are skipped";
                System.err.println("jcontrast-cuda tests: " + unbuildable); // a skipped class shows no reason otherwise
                Assumptions.abort(unbuildable);
                return;
            }
            String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (gcc.waitFor() != 0) {
                throw new IllegalStateException("gcc failed to build the CUDA stub: " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Makes {@code link} a symbolic link to {@code target}, replacing what was there. */
    private static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
