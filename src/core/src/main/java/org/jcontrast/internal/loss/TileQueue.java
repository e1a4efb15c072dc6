package org.jcontrast.internal.loss;

import java.util.concurrent.CancellationException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import org.jcontrast.internal.kernel.Parallel;

/**
 * Hands out the tiles of a {@link TileSchedule} in schedule order to the threads of a pass, with no
 * barrier between rounds: a tile waits only until the tiles of earlier rounds that write its row and
 * column blocks are done. Each block still takes its tiles in round order, so the results are the
 * bits of a round-by-round pass whatever the thread count; but a thread that finishes its share of
 * a round early goes on with the next round's tiles instead of idling.
 *
 * <p>Thread-safe: one queue serves the threads of one pass. A thread that fails calls {@link #fail},
 * and the others stop at their next {@link #next}.
 */
final class TileQueue {
    /** What {@link #next} returns when there is no tile to take. */
    static final long NONE = -1;

    private final TileSchedule schedule;
    private final boolean columnsWritten;
    private final BooleanSupplier cancelRequested;
    private final String name;
    /** Tiles done per row block (per block of either side when symmetric). */
    private final int[] rowDone;
    /** Tiles done per column block, when the columns are written and are not the rows' blocks. */
    private final int[] colDone;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition progress = lock.newCondition();
    private final int total;
    private int round;
    private int slot;
    private int handedOut;
    private boolean failed;
    /** Why the pass stopped early on the caller's interrupt, or null. */
    private String cancelled;

    /**
     * A queue over {@code schedule}'s tiles, for a pass that also writes the column blocks'
     * statistics or gradients when {@code columnsWritten} (else the columns are only read).
     * {@code cancelRequested} (the caller's interrupt, {@link Parallel#cancellation()}) cancels it
     * with a message that starts with {@code name}.
     */
    TileQueue(TileSchedule schedule, boolean columnsWritten, BooleanSupplier cancelRequested, String name) {
        this.schedule = schedule;
        this.columnsWritten = columnsWritten;
        this.cancelRequested = cancelRequested;
        this.name = name;
        this.rowDone = new int[schedule.rowBlocks()];
        this.colDone = new int[schedule.symmetric() ? 0 : schedule.colBlocks()];
        this.total = schedule.tiles();
    }

    /**
     * The next tile, as {@link #tile}{@code (round, slot)}, once its blocks are free; {@link #NONE}
     * when none are left, another thread failed or the caller was interrupted (see
     * {@link #throwIfCancelled}). A long rather than an array: a pass at 2N = 2²⁰ hands out
     * millions of tiles, and each array would be garbage.
     */
    long next() {
        lock.lock();
        try {
            while (round < schedule.rounds() && slot == schedule.tiles(round)) {
                round++;
                slot = 0;
            }
            if (failed || round == schedule.rounds()) {
                return NONE;
            }
            if (cancelRequested.getAsBoolean()) {
                failed = true;
                cancelled = name + ": the streaming loss was interrupted after " + handedOut + " of " + total + " tiles";
                progress.signalAll();
                return NONE;
            }
            int r = round, s = slot++;
            handedOut++;
            while (!failed && !ready(r, schedule.rowBlock(r, s), schedule.colBlock(r, s))) {
                progress.awaitUninterruptibly();
            }
            return failed ? NONE : tile(r, s);
        } finally {
            lock.unlock();
        }
    }

    /** A tile as {@link #next} hands it out: its round and its slot in that round. */
    private static long tile(int round, int slot) {
        return (long) round << 32 | slot;
    }

    static int round(long tile) {
        return (int) (tile >>> 32);
    }

    static int slot(long tile) {
        return (int) tile;
    }

    private boolean ready(int r, int i, int j) {
        if (rowDone[i] != schedule.rowTilesBefore(i, r)) {
            return false;
        }
        if (schedule.symmetric()) {
            return rowDone[j] == schedule.rowTilesBefore(j, r);
        }
        return !columnsWritten || colDone[j] == schedule.colTilesBefore(j, r);
    }

    /** Marks a tile that {@link #next} handed out as done. */
    void done(long tile) {
        lock.lock();
        try {
            int i = schedule.rowBlock(round(tile), slot(tile)), j = schedule.colBlock(round(tile), slot(tile));
            rowDone[i]++;
            if (schedule.symmetric() && j != i) {
                rowDone[j]++;
            } else if (!schedule.symmetric() && columnsWritten) {
                colDone[j]++;
            }
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Throws, on the caller's thread once the pass's threads are done, the cancellation that an
     * interrupt caused (the pool would drop its message on the way).
     *
     * @throws CancellationException when the caller was interrupted during the pass
     */
    void throwIfCancelled() {
        lock.lock();
        try {
            if (cancelled != null) {
                throw new CancellationException(cancelled);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Stops the other threads of the pass: their next {@link #next} returns null. */
    void fail() {
        lock.lock();
        try {
            failed = true;
            progress.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
