package org.jcontrast.internal.loss;

import java.util.Optional;
import java.util.concurrent.CancellationException;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.ResidentSweeps;
import org.jcontrast.tensor.Tensor;

/**
 * The observe and gradient passes of a {@link TileSweep} on a device that keeps the embeddings
 * resident ({@link ResidentSweeps}), for the losses whose partitions keys describe
 * ({@link AnchorRule#keyedPartition}): the rule becomes a {@link ResidentSweeps.Plan}, the device's
 * per-anchor sums are merged into the {@link AnchorStats} that the caller finishes, and the finished
 * statistics become the gradient pass's per-anchor coefficients, the same numbers the CPU's passes
 * use. R and C are uploaded on the first pass and freed after the gradient pass or on close.
 *
 * <p>A device failure is reported to the router (logged once; the device is not used again) and the
 * pass returns false: the caller then runs it on the CPU. The statistics are only written once the
 * device's observe pass has succeeded, and the gradients only once its gradient pass has. Not
 * thread-safe: one sweep, one thread.
 */
final class ResidentTileSweep implements AutoCloseable {
    private final GemmRouter router;
    private final ResidentSweeps device;
    private final ResidentSweeps.Plan plan;
    private final Tensor rows;
    private final Tensor cols;
    private final AnchorStats[] stats;
    private ResidentSweeps.Sweep sweep;
    private boolean failed;

    private ResidentTileSweep(GemmRouter router, ResidentSweeps device, ResidentSweeps.Plan plan, Tensor rows,
                              Tensor cols, AnchorStats[] stats) {
        this.router = router;
        this.device = device;
        this.plan = plan;
        this.rows = rows;
        this.cols = cols;
        this.stats = stats;
    }

    /**
     * The resident passes of a sweep with these arguments of {@link TileSweep}, or null when the
     * rule's partition is not keyed, or the router would not send the sweep's largest tile product to
     * a backend with resident sweeps.
     */
    static ResidentTileSweep find(AnchorRule rule, Tensor rows, Tensor cols, boolean symmetric, int colAnchor0,
                                  int tile, float sharedShift, AnchorStats[] stats) {
        if (!rule.keyedPartition()) {
            return null;
        }
        GemmRouter router = Context.current().router();
        int width = rows.dim(1);
        Optional<ResidentSweeps> device = router.residentSweeps(Math.min(rows.dim(0), tile),
                Math.min(cols.dim(0), tile), width);
        if (device.isEmpty()) {
            return null;
        }
        int[] keys = null;
        if (colAnchor0 >= 0) {
            keys = new int[stats.length];
            for (int a = 0; a < keys.length; a++) {
                keys[a] = rule.positiveKey(a);
            }
        }
        ResidentSweeps.Plan plan = new ResidentSweeps.Plan(rows.dim(0), cols.dim(0), width, symmetric, colAnchor0,
                stats.length, tile, keys, rule.excludesSelf(), rule.positiveInSum(), (float) rule.beta(), sharedShift);
        return new ResidentTileSweep(router, device.get(), plan, rows, cols, stats);
    }

    /** Observes every anchor's entries on the device; false (nothing observed) when the device failed. */
    boolean observe() {
        if (failed) {
            return false;
        }
        ResidentSweeps.Sums sums;
        try {
            sums = opened().observe();
        } catch (RuntimeException e) {
            return failed(e);
        }
        for (int a = 0; a < stats.length; a++) {
            AnchorStats st = stats[a];
            st.addPartition(sums.max()[a], sums.sumExp()[a]);
            st.positiveSum += sums.positiveSum()[a];
            st.positives += sums.positives()[a];
        }
        return true;
    }

    /**
     * Adds ∂L/∂R to {@code dRows} and ∂L/∂C to {@code dCols} (as {@link TileSweep#gradient}) from
     * the finished statistics; false (nothing added) when the device failed.
     */
    boolean gradient(Tensor dRows, Tensor dCols) {
        if (failed) {
            return false;
        }
        int anchors = stats.length;
        float[] shift = new float[anchors], weight = new float[anchors], positiveGradient = new float[anchors];
        for (int a = 0; a < anchors; a++) {
            AnchorStats st = stats[a];
            boolean empty = st.lse == Double.NEGATIVE_INFINITY;
            if (plan.shared()) {
                weight[a] = TileSweep.sharedWeight(st, plan.sharedShift());
            } else {
                weight[a] = empty ? 0f : (float) st.softmaxScale;
                shift[a] = empty ? 0f : (float) st.lse;
            }
            positiveGradient[a] = (float) st.positiveGradient;
        }
        Tensor columnGradient = plan.symmetric() ? null : dCols;
        try {
            opened().gradient(shift, weight, positiveGradient, dRows.array(), dRows.offset(),
                    columnGradient == null ? null : columnGradient.array(),
                    columnGradient == null ? 0 : columnGradient.offset());
        } catch (RuntimeException e) {
            return failed(e);
        }
        try {
            close();
        } catch (RuntimeException e) {
            router.residentFailed(device, e); // the gradient is complete; the device is not trusted again
        }
        return true;
    }

    /** Frees the device memory of the sweep, if any. */
    @Override
    public void close() {
        if (sweep != null) {
            ResidentSweeps.Sweep s = sweep;
            sweep = null;
            s.close();
        }
    }

    private ResidentSweeps.Sweep opened() {
        if (sweep == null) {
            sweep = device.open(plan, rows.array(), rows.offset(), cols.array(), cols.offset());
        }
        return sweep;
    }

    /** Reports a device failure (an interrupt is not one) and frees what the sweep holds; returns false. */
    private boolean failed(RuntimeException e) {
        if (e instanceof CancellationException) {
            throw e;
        }
        failed = true;
        try {
            close();
        } catch (RuntimeException cleanup) {
            e.addSuppressed(cleanup);
        }
        router.residentFailed(device, e);
        return false;
    }
}
