package org.jcontrast.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.jcontrast.internal.backend.Releases;
import org.jcontrast.internal.backend.ResidentSweeps;

/**
 * One sweep of {@link CudaResidentSweeps}: R, C and the anchors' keys uploaded when made, one tile
 * buffer of S, and for each pass the per-anchor arrays it needs; everything is queued on the calling
 * thread's stream and waited for only when the results are copied back. Tiles are visited as in
 * {@code TileSweep}: i ≤ j for a symmetric plan, whose diagonal tiles count their rows only when
 * observing and hold H = G + Gᵀ in the gradient pass. Not thread-safe.
 */
final class CudaResidentSweep implements ResidentSweeps.Sweep {
    private final CudaGemmBackend backend;
    private final LossKernels kernels;
    private final ResidentSweeps.Plan plan;
    private final Runnable passDone;
    /** Frees what the sweep holds, in the order it was allocated. */
    private final List<Runnable> releases = new ArrayList<>();
    private final DeviceMatrix rows;
    private final DeviceMatrix cols;
    private final DeviceBuffer keys;
    private final DeviceMatrix tile;
    /** The kernels' flags every tile shares. */
    private final int flags;

    CudaResidentSweep(CudaGemmBackend backend, LossKernels kernels, ResidentSweeps.Plan plan, float[] r,
                      int rowsOffset, float[] c, int colsOffset, Runnable passDone) {
        this.backend = backend;
        this.kernels = kernels;
        this.plan = plan;
        this.passDone = passDone;
        this.flags = (plan.excludeSelf() ? LossKernels.EXCLUDE_SELF : 0)
                | (plan.positiveInSum() ? LossKernels.POSITIVE_IN_SUM : 0);
        int d = plan.width();
        try {
            rows = own(backend.upload(r, rowsOffset, plan.rows(), d, d));
            cols = plan.symmetric() ? rows : own(backend.upload(c, colsOffset, plan.cols(), d, d));
            keys = plan.keys() == null ? null : own(upload(MemorySegment.ofArray(plan.keys())));
            tile = own(backend.allocate(Math.min(plan.tile(), plan.rows()), Math.min(plan.tile(), plan.cols())));
        } catch (RuntimeException e) {
            try {
                close();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    @Override
    public ResidentSweeps.Sums observe() {
        int anchors = plan.anchors();
        double[] max = new double[anchors], sumExp = new double[anchors], positiveSum = new double[anchors];
        int[] positives = new int[anchors];
        Arrays.fill(max, plan.shared() ? plan.sharedShift() : Double.NEGATIVE_INFINITY);
        MemorySegment stream = backend.context().stream();
        try (DeviceBuffer dMax = plan.shared() ? null : upload(MemorySegment.ofArray(max));
             DeviceBuffer dSum = zeros(8L * anchors);
             DeviceBuffer dPositiveSum = zeros(8L * anchors);
             DeviceBuffer dPositives = zeros(4L * anchors)) {
            forEachTile("observe", (r0, m, c0, n, diagonal) -> {
                LossKernels.Tile t = product(r0, m, c0, n);
                boolean columns = plan.colAnchor0() >= 0 && !diagonal;
                if (plan.shared()) {
                    kernels.observeShared(stream, columns ? t.withFlags(LossKernels.COLUMNS) : t, plan.sharedShift(),
                            dSum.pointer(), dPositiveSum.pointer(), dPositives.pointer());
                } else {
                    kernels.observeRows(stream, t, dMax.pointer(), dSum.pointer(), dPositiveSum.pointer(),
                            dPositives.pointer());
                    if (columns) {
                        kernels.observeColumns(stream, t, dMax.pointer(), dSum.pointer(), dPositiveSum.pointer(),
                                dPositives.pointer());
                    }
                }
            });
            if (dMax != null) {
                download(dMax, MemorySegment.ofArray(max));
            }
            download(dSum, MemorySegment.ofArray(sumExp));
            download(dPositiveSum, MemorySegment.ofArray(positiveSum));
            download(dPositives, MemorySegment.ofArray(positives));
        }
        passDone.run();
        return new ResidentSweeps.Sums(max, sumExp, positiveSum, positives);
    }

    @Override
    public void gradient(float[] shift, float[] weight, float[] positiveGradient, float[] dRows, int dRowsOffset,
                         float[] dCols, int dColsOffset) {
        int anchors = plan.anchors(), d = plan.width();
        if (shift.length != anchors || weight.length != anchors || positiveGradient.length != anchors) {
            throw new IllegalArgumentException("resident sweep: per-anchor coefficients for " + anchors + " anchors");
        }
        if (dCols != null && plan.symmetric()) {
            throw new IllegalArgumentException("resident sweep: a symmetric sweep adds both sides to dRows");
        }
        MemorySegment stream = backend.context().stream();
        float[] rowGradient = new float[plan.rows() * d];
        float[] colGradient = dCols == null ? null : new float[plan.cols() * d];
        try (DeviceMatrix dShift = plan.shared() ? null : backend.upload(shift, 0, 1, anchors, anchors);
             DeviceMatrix dWeight = backend.upload(weight, 0, 1, anchors, anchors);
             DeviceMatrix dPositive = backend.upload(positiveGradient, 0, 1, anchors, anchors);
             DeviceMatrix dR = zeros(plan.rows(), d);
             DeviceMatrix dC = dCols == null ? null : zeros(plan.cols(), d)) {
            DeviceMatrix columnTarget = plan.symmetric() ? dR : dC;
            int gradientFlags = (plan.colAnchor0() >= 0 ? LossKernels.COLUMNS : 0)
                    | (plan.shared() ? LossKernels.SHARED : 0);
            forEachTile("gradient", (r0, m, c0, n, diagonal) -> {
                LossKernels.Tile t = product(r0, m, c0, n).withFlags(gradientFlags);
                kernels.gradient(stream, t, plan.shared() ? plan.sharedShift() : 0f,
                        dShift == null ? MemorySegment.NULL : dShift.pointer(), dWeight.pointer(), dPositive.pointer());
                backend.gemm(false, false, m, d, n, 1f, t.s(), n, cols.row(c0), d, 1f, dR.row(r0), d);
                if (columnTarget != null && !diagonal) {
                    backend.gemm(true, false, n, d, m, 1f, t.s(), n, rows.row(r0), d, 1f, columnTarget.row(c0), d);
                }
            });
            backend.download(dR, rowGradient, 0, d);
            if (dC != null) {
                backend.download(dC, colGradient, 0, d);
            }
        }
        add(rowGradient, dRows, dRowsOffset);
        if (colGradient != null) {
            add(colGradient, dCols, dColsOffset);
        }
        passDone.run();
    }

    /** Frees R, C, the keys and the tile buffer. */
    @Override
    public void close() {
        List<Runnable> steps = List.copyOf(releases.reversed());
        releases.clear();
        Releases.all(steps);
    }

    /** Queues S = R_i·C_jᵀ of the tile at rows r0.. and columns c0.. into the tile buffer; returns its description. */
    private LossKernels.Tile product(int r0, int m, int c0, int n) {
        int d = plan.width();
        MemorySegment s = tile.pointer();
        backend.gemm(false, true, m, n, d, 1f, rows.row(r0), d, cols.row(c0), d, 0f, s, n);
        return new LossKernels.Tile(s, m, n, n, plan.beta(), keys == null ? MemorySegment.NULL : keys.pointer(), r0,
                plan.colAnchor0() < 0 ? -1 : plan.colAnchor0() + c0, flags);
    }

    /** What a pass does with the tile of rows [r0, r0 + m) and columns [c0, c0 + n). */
    @FunctionalInterface
    private interface TileBody {
        void run(int r0, int m, int c0, int n, boolean diagonal);
    }

    /** Visits the tiles; the caller's interrupt stops the pass between tiles. */
    private void forEachTile(String pass, TileBody body) {
        int size = plan.tile(), rowBlocks = Math.ceilDiv(plan.rows(), size), colBlocks = Math.ceilDiv(plan.cols(), size);
        int total = plan.symmetric() ? rowBlocks * (rowBlocks + 1) / 2 : rowBlocks * colBlocks, done = 0;
        for (int bi = 0; bi < rowBlocks; bi++) {
            for (int bj = plan.symmetric() ? bi : 0; bj < colBlocks; bj++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("the streaming loss was interrupted after " + done + " of " + total
                            + " tiles of its " + pass + " pass on the GPU");
                }
                int r0 = bi * size, c0 = bj * size;
                body.run(r0, Math.min(size, plan.rows() - r0), c0, Math.min(size, plan.cols() - c0),
                        plan.symmetric() && bi == bj);
                done++;
            }
        }
    }

    private DeviceBuffer upload(MemorySegment host) {
        DeviceBuffer b = backend.allocateBytes(host.byteSize());
        try {
            backend.copyToDevice(host, b.pointer(), host.byteSize());
            return b;
        } catch (RuntimeException e) {
            closeAfter(b::close, e);
            throw e;
        }
    }

    private void download(DeviceBuffer from, MemorySegment host) {
        backend.copyToHost(from.pointer(), host, host.byteSize());
    }

    private DeviceBuffer zeros(long bytes) {
        DeviceBuffer b = backend.allocateBytes(bytes);
        try {
            backend.zero(b.pointer(), bytes);
            return b;
        } catch (RuntimeException e) {
            closeAfter(b::close, e);
            throw e;
        }
    }

    private DeviceMatrix zeros(int rows, int cols) {
        DeviceMatrix m = backend.allocate(rows, cols);
        try {
            backend.zero(m.pointer(), 4L * rows * cols);
            return m;
        } catch (RuntimeException e) {
            closeAfter(m::close, e);
            throw e;
        }
    }

    private static void add(float[] from, float[] to, int offset) {
        for (int i = 0; i < from.length; i++) {
            to[offset + i] += from[i];
        }
    }

    private DeviceMatrix own(DeviceMatrix m) {
        releases.add(m::close);
        return m;
    }

    private DeviceBuffer own(DeviceBuffer b) {
        releases.add(b::close);
        return b;
    }

    private static void closeAfter(Runnable close, RuntimeException failure) {
        try {
            close.run();
        } catch (RuntimeException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }
}
