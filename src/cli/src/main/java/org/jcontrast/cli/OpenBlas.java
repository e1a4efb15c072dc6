package org.jcontrast.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenBLAS's {@code cblas_sgemm} bound through the FFM API, for the side-by-side benchmark only:
 * the core never calls native code. The library is found at run time, so the command line runs
 * without it and says how to get it when asked to compare.
 */
final class OpenBlas {
    static final String PATH_PROPERTY = "jcontrast.openblas.path";
    static final String NOT_FOUND = "OpenBLAS not found: install libopenblas0 (Debian) or pass -D"
            + PATH_PROPERTY + "=/path/to/libopenblas.so";

    // CBLAS enum values from cblas.h.
    private static final int ROW_MAJOR = 101;
    private static final int NO_TRANS = 111;
    private static final int TRANS = 112;

    private final String library;
    private final MethodHandle sgemm;
    private final MethodHandle setNumThreads;
    private final MethodHandle getConfig;
    private final MethodHandle getCorename;

    private OpenBlas(String library, SymbolLookup lookup) {
        Linker linker = Linker.nativeLinker();
        this.library = library;
        this.sgemm = linker.downcallHandle(symbol(lookup, "cblas_sgemm"), FunctionDescriptor.ofVoid(
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_FLOAT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_FLOAT, ADDRESS, JAVA_INT));
        this.setNumThreads = linker.downcallHandle(symbol(lookup, "openblas_set_num_threads"),
                FunctionDescriptor.ofVoid(JAVA_INT));
        this.getConfig = linker.downcallHandle(symbol(lookup, "openblas_get_config"),
                FunctionDescriptor.of(ADDRESS));
        this.getCorename = linker.downcallHandle(symbol(lookup, "openblas_get_corename"),
                FunctionDescriptor.of(ADDRESS));
    }

    /**
     * Loads OpenBLAS from {@code -Djcontrast.openblas.path}, else by its usual names through the
     * dynamic linker, else from Debian's openblas-pthread directory. The library stays loaded as
     * long as {@code arena} is open.
     *
     * @throws IllegalStateException with {@link #NOT_FOUND} when no candidate loads
     */
    static OpenBlas load(Arena arena) {
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates()) {
            try {
                SymbolLookup lookup = candidate.contains("/")
                        ? SymbolLookup.libraryLookup(Path.of(candidate), arena)
                        : SymbolLookup.libraryLookup(candidate, arena);
                return new OpenBlas(candidate, lookup);
            } catch (IllegalArgumentException e) {
                tried.add(candidate);
            }
        }
        throw new IllegalStateException(NOT_FOUND + " (tried " + String.join(", ", tried) + ")");
    }

    private static List<String> candidates() {
        String forced = System.getProperty(PATH_PROPERTY, "").trim();
        if (!forced.isEmpty()) {
            return List.of(forced);
        }
        List<String> names = new ArrayList<>(List.of("libopenblas.so.0", "libopenblas.so"));
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "aarch64";
            default -> null;
        };
        if (arch != null) {
            Path debian = Path.of("/usr/lib", arch + "-linux-gnu", "openblas-pthread", "libopenblas.so.0");
            if (Files.exists(debian)) {
                names.add(debian.toString());
            }
        }
        return names;
    }

    private static MemorySegment symbol(SymbolLookup lookup, String name) {
        return lookup.find(name).orElseThrow(() -> new IllegalStateException(
                "the loaded OpenBLAS has no symbol " + name));
    }

    /**
     * The variables of this process's environment that pin OpenBLAS's kernel choice
     * ({@code OPENBLAS_CORETYPE}, {@code OPENBLAS_L2_SIZE}), as {@code NAME=value} words; empty when
     * none is set. They only take effect at load time, so a benchmark against OpenBLAS's own best
     * kernel runs in a process started without them (bench/gemm-table.sh does).
     */
    static String environmentPins() {
        StringBuilder pins = new StringBuilder();
        for (String name : List.of("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")) {
            String value = System.getenv(name);
            if (value != null) {
                pins.append(pins.isEmpty() ? "" : " ").append(name).append('=').append(value);
            }
        }
        return pins.toString();
    }

    /** The name or path it was loaded from. */
    String library() {
        return library;
    }

    /** OpenBLAS's build description, e.g. {@code OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Zen MAX_THREADS=64}. */
    String config() {
        return string(getConfig, "openblas_get_config");
    }

    /**
     * The kernel family OpenBLAS chose for this CPU at load time, e.g. {@code Cooperlake}; it honours
     * {@code OPENBLAS_CORETYPE} from the environment of the process that loaded it.
     */
    String corename() {
        return string(getCorename, "openblas_get_corename");
    }

    /** The C string a no-argument OpenBLAS function returns. */
    private static String string(MethodHandle function, String name) {
        try {
            MemorySegment s = (MemorySegment) function.invokeExact();
            return s.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed", t);
        }
    }

    /** Sets the threads of OpenBLAS's own pool for later calls. */
    void setThreads(int n) {
        try {
            setNumThreads.invokeExact(n);
        } catch (Throwable t) {
            throw new IllegalStateException("openblas_set_num_threads failed", t);
        }
    }

    /** Row-major C = alpha·op(A)·op(B) + beta·C on native memory, as {@code cblas_sgemm}. */
    void sgemm(boolean transA, boolean transB, int m, int n, int k, float alpha, MemorySegment a, int lda,
               MemorySegment b, int ldb, float beta, MemorySegment c, int ldc) {
        try {
            sgemm.invokeExact(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, m, n, k,
                    alpha, a, lda, b, ldb, beta, c, ldc);
        } catch (Throwable t) {
            throw new IllegalStateException("cblas_sgemm failed", t);
        }
    }
}
