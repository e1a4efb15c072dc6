package org.jcontrast.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.jcontrast.internal.backend.BackendUnavailableException;

/**
 * The streaming-loss kernels of {@code src/main/cuda/loss_kernels.cu}, loaded from their PTX (the
 * resource {@value #RESOURCE}, or the file {@code -Djcontrast.cuda.ptx} names) into the current
 * context, and launched with the geometry {@code loss_kernels.h} fixes, whose numbers this class
 * repeats. Each launch is queued on the caller's stream. Thread-safe: the functions belong to the
 * device's primary context, shared by every thread.
 */
final class LossKernels {
    /** The PTX resource, next to this class. */
    static final String RESOURCE = "loss_kernels.ptx";
    /** The system property naming a PTX file to load instead of the resource (e.g. one built for this card). */
    static final String PTX_PROPERTY = "jcontrast.cuda.ptx";
    static final String OBSERVE_SHARED = "jc_observe_shared";
    static final String OBSERVE_ROWS = "jc_observe_rows";
    static final String OBSERVE_COLUMNS = "jc_observe_columns";
    static final String GRADIENT = "jc_gradient";
    /** From loss_kernels.h: block shape, and the rows × columns a block of the tile-wide kernels covers. */
    static final int BLOCK_X = 32;
    static final int BLOCK_Y = 8;
    static final int TILE_COLS = 128;
    static final int TILE_ROWS = 64;
    /** From loss_kernels.h: the flag bits. */
    static final int EXCLUDE_SELF = 1;
    static final int POSITIVE_IN_SUM = 2;
    static final int COLUMNS = 4;
    static final int SHARED = 8;

    private final CudaDriver driver;
    private final MemorySegment module;
    private final MemorySegment observeShared;
    private final MemorySegment observeRows;
    private final MemorySegment observeColumns;
    private final MemorySegment gradient;
    private final String source;

    private LossKernels(CudaDriver driver, MemorySegment module, String source) {
        this.driver = driver;
        this.module = module;
        this.source = source;
        this.observeShared = driver.function(module, OBSERVE_SHARED);
        this.observeRows = driver.function(module, OBSERVE_ROWS);
        this.observeColumns = driver.function(module, OBSERVE_COLUMNS);
        this.gradient = driver.function(module, GRADIENT);
    }

    /** Loads the kernels into the calling thread's current context; a failure is the exception's reason. */
    static LossKernels load(CudaDriver driver) throws BackendUnavailableException {
        String file = System.getProperty(PTX_PROPERTY, "").trim();
        String ptx = file.isEmpty() ? resource() : read(Path.of(file));
        MemorySegment module;
        try {
            module = driver.loadModule(ptx);
        } catch (CudaException e) {
            throw new BackendUnavailableException(e.getMessage());
        }
        try {
            return new LossKernels(driver, module, file.isEmpty() ? "the PTX resource" : file);
        } catch (CudaException e) {
            try {
                driver.unload(module);
            } catch (CudaException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw new BackendUnavailableException(e.getMessage());
        }
    }

    private static String resource() throws BackendUnavailableException {
        try (InputStream in = LossKernels.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new BackendUnavailableException("the kernels' PTX resource " + RESOURCE + " is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new BackendUnavailableException("could not read the kernels' PTX resource: " + e.getMessage());
        }
    }

    private static String read(Path file) throws BackendUnavailableException {
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new BackendUnavailableException("-D" + PTX_PROPERTY + "=" + file + " cannot be read: " + e);
        }
    }

    /** Where the PTX came from, for messages. */
    String source() {
        return source;
    }

    /** Unloads the module; the current thread must have the context current. */
    void unload() {
        driver.unload(module);
    }

    /**
     * A tile of S on the device and how to read it: m × n similarities with row stride ld, rows of
     * anchors rowAnchor0.., columns of anchors colAnchor0.. (or none when negative), the anchors'
     * keys (NULL for none) and the flag bits.
     */
    record Tile(MemorySegment s, int m, int n, int ld, float beta, MemorySegment keys, int rowAnchor0, int colAnchor0,
                int flags) {
        Tile withFlags(int more) {
            return new Tile(s, m, n, ld, beta, keys, rowAnchor0, colAnchor0, flags | more);
        }
    }

    /** Adds each row's and (flag {@link #COLUMNS}) each column's Σ exp(β·s − shift) and positives, with atomics. */
    void observeShared(MemorySegment stream, Tile t, float shift, MemorySegment sumExp, MemorySegment positiveSum,
                       MemorySegment positives) {
        tileWide(OBSERVE_SHARED, observeShared, stream, t, shift, sumExp, positiveSum, positives);
    }

    /** Merges each row's max-shifted sum and its positives into the row anchors' statistics. */
    void observeRows(MemorySegment stream, Tile t, MemorySegment max, MemorySegment sumExp,
                     MemorySegment positiveSum, MemorySegment positives) {
        observeRuns(OBSERVE_ROWS, observeRows, blocks(t.m, BLOCK_Y), stream, t, max, sumExp, positiveSum, positives);
    }

    /** Merges each column's max-shifted sum and its positives into the column anchors' statistics. */
    void observeColumns(MemorySegment stream, Tile t, MemorySegment max, MemorySegment sumExp,
                        MemorySegment positiveSum, MemorySegment positives) {
        observeRuns(OBSERVE_COLUMNS, observeColumns, blocks(t.n, BLOCK_X), stream, t, max, sumExp, positiveSum,
                positives);
    }

    private void observeRuns(String name, MemorySegment function, int grid, MemorySegment stream, Tile t,
                             MemorySegment max, MemorySegment sumExp, MemorySegment positiveSum,
                             MemorySegment positives) {
        try (Arena arena = Arena.ofConfined()) {
            Arguments args = new Arguments(arena).pointer(t.s).i(t.m).i(t.n).i(t.ld).f(t.beta).pointer(t.keys)
                    .i(t.rowAnchor0).i(t.colAnchor0).i(t.flags)
                    .pointer(max).pointer(sumExp).pointer(positiveSum).pointer(positives);
            driver.launch(name, function, grid, 1, BLOCK_X, BLOCK_Y, stream, args.array());
        }
    }

    /** Turns the tile into ∂L/∂S in place from the anchors' coefficients (anchorShift unused under {@link #SHARED}). */
    void gradient(MemorySegment stream, Tile t, float shift, MemorySegment anchorShift, MemorySegment weight,
                  MemorySegment positiveGradient) {
        tileWide(GRADIENT, gradient, stream, t, shift, anchorShift, weight, positiveGradient);
    }

    /** A kernel of a block per JC_TILE_ROWS × JC_TILE_COLS entries, taking the tile, a shift and three arrays. */
    private void tileWide(String name, MemorySegment function, MemorySegment stream, Tile t, float shift,
                          MemorySegment first, MemorySegment second, MemorySegment third) {
        try (Arena arena = Arena.ofConfined()) {
            Arguments args = new Arguments(arena).pointer(t.s).i(t.m).i(t.n).i(t.ld).f(t.beta).f(shift)
                    .pointer(t.keys).i(t.rowAnchor0).i(t.colAnchor0).i(t.flags)
                    .pointer(first).pointer(second).pointer(third);
            driver.launch(name, function, blocks(t.n, TILE_COLS), blocks(t.m, TILE_ROWS), BLOCK_X, BLOCK_Y, stream,
                    args.array());
        }
    }

    private static int blocks(int size, int per) {
        return Math.ceilDiv(size, per);
    }

    /** A kernel's arguments as cuLaunchKernel takes them: an array of pointers to each value. */
    private static final class Arguments {
        private final Arena arena;
        private final List<MemorySegment> values = new ArrayList<>();

        Arguments(Arena arena) {
            this.arena = arena;
        }

        Arguments pointer(MemorySegment p) {
            values.add(arena.allocateFrom(ADDRESS, p));
            return this;
        }

        Arguments i(int v) {
            values.add(arena.allocateFrom(JAVA_INT, v));
            return this;
        }

        Arguments f(float v) {
            values.add(arena.allocateFrom(JAVA_FLOAT, v));
            return this;
        }

        MemorySegment array() {
            MemorySegment array = arena.allocate(ADDRESS, values.size());
            for (int k = 0; k < values.size(); k++) {
                array.setAtIndex(ADDRESS, k, values.get(k));
            }
            return array;
        }
    }
}
