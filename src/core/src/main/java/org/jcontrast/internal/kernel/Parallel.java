package org.jcontrast.internal.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.RecursiveAction;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.jcontrast.internal.Context;

/**
 * Parallel sections on the pool of the current {@link Context}; each task runs with that context
 * bound, so the kernels and settings inside are the caller's.
 *
 * <p>Work is split into chunks that depend only on the problem size and the thread count, never
 * on scheduling, so a computation with the same inputs and the same thread count gives the same
 * bits every time. A caller whose thread is interrupted gets a {@link CancellationException}
 * from the next parallel section instead of a half-finished result.
 */
public final class Parallel {
    /** The stop request of the block {@link #inPool} runs on a worker for a caller. */
    private static final ScopedValue<StopRequest> REQUEST = ScopedValue.newInstance();

    private Parallel() {
    }

    /** Set when the caller of {@link #inPool} is interrupted while its block runs on a worker. */
    private static final class StopRequest {
        private volatile boolean requested;
    }

    /**
     * Whether the work started on this thread has been asked to stop, readable from any thread:
     * the interrupt of this thread, or, inside {@link #inPool}, of the thread waiting for it.
     */
    public static BooleanSupplier cancellation() {
        Thread thread = Thread.currentThread();
        StopRequest request = REQUEST.isBound() ? REQUEST.get() : null;
        return () -> thread.isInterrupted() || (request != null && request.requested);
    }

    /** A body run over a half-open range of indices. */
    @FunctionalInterface
    public interface RangeBody {
        /** Processes indices {@code [from, to)}. */
        void run(int from, int to);
    }

    /** Threads used by parallel sections of the current context. */
    public static int threads() {
        return Context.current().threads();
    }

    /**
     * Splits {@code [0, n)} into at most {@link #threads()} contiguous chunks of at least
     * {@code grain} indices and runs them in parallel; returns when all are done.
     */
    public static void forRange(int n, int grain, RangeBody body) {
        forRange(n, grain, 1, body);
    }

    /**
     * {@link #forRange(int, int, RangeBody)} with every chunk starting at a multiple of
     * {@code align} and, when n allows, at least align long.
     */
    public static void forRange(int n, int grain, int align, RangeBody body) {
        long byGrain = (n + (long) grain - 1) / Math.max(1, grain);
        int chunks = (int) Math.max(1, Math.min(Math.min(threads(), byGrain), n / align));
        forTasks(chunks, t -> body.run(chunkStart(n, t, chunks, align), chunkStart(n, t + 1, chunks, align)));
    }

    private static int chunkStart(int n, int t, int chunks, int align) {
        return t == chunks ? n : (int) ((long) n * t / chunks) / align * align;
    }

    /** Runs {@code body} for each task index in {@code [0, tasks)}, in parallel when it pays. */
    public static void forTasks(int tasks, IntConsumer body) {
        if (cancellation().getAsBoolean()) {
            throw new CancellationException("interrupted");
        }
        Context context = Context.current();
        ForkJoinPool p = context.pool();
        if (tasks <= 1 || p.getParallelism() == 1) {
            for (int t = 0; t < tasks; t++) {
                body.accept(t);
            }
            return;
        }
        Split root = new Split(0, tasks, t -> context.runBound(() -> body.accept(t)));
        if (inPool(p)) {
            root.invoke();
        } else {
            p.invoke(root);
        }
    }

    /**
     * Runs {@code op} as one task of the current context's pool and returns its result; directly
     * when already on that pool or when the pool has one thread. Code with many short parallel
     * sections (a training step has about a hundred) then forks each from a worker, which runs
     * whatever the other workers have not taken yet, rather than from outside the pool, where
     * every section wakes the workers and puts the caller to sleep until they finish (tens of
     * microseconds each on a small VM). The caller's interrupt cancels {@code op} as if it ran on
     * the caller: its next parallel section throws a {@link CancellationException}. What
     * {@code op} throws reaches the caller as thrown.
     */
    public static <T> T inPool(Supplier<T> op) {
        if (cancellation().getAsBoolean()) {
            throw new CancellationException("interrupted");
        }
        Context context = Context.current();
        ForkJoinPool p = context.pool();
        if (inPool(p) || p.getParallelism() == 1) {
            return op.get();
        }
        List<T> result = new ArrayList<>(1);
        Throwable[] failure = new Throwable[1];
        StopRequest request = new StopRequest();
        ForkJoinTask<?> task = p.submit(ForkJoinTask.adapt(() -> ScopedValue.where(REQUEST, request)
                .run(() -> context.runBound(() -> {
                    try {
                        result.add(op.get());
                    } catch (RuntimeException | Error e) {
                        failure[0] = e;
                    }
                }))));
        try {
            task.get();
        } catch (InterruptedException e) {
            // The block stops at its next parallel section; the caller's interrupt stays set.
            request.requested = true;
            task.join();
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            throw new IllegalStateException("unreachable: the block catches what it throws", e);
        }
        if (failure[0] instanceof RuntimeException e) {
            throw e;
        }
        if (failure[0] instanceof Error e) {
            throw e;
        }
        return result.getFirst();
    }

    /**
     * Row where band t of {@code bands} starts (n for t ≥ bands) when the rows of an n×n matrix are
     * cut into bands whose lower triangles have about equal areas, for work that visits entry
     * (i, j), j ≤ i, with row i. A multiple of 16, so that no two bands write the same cache line
     * of the upper triangle when they mirror into it.
     */
    public static int triangleBandEdge(int n, int t, int bands) {
        if (t >= bands) {
            return n;
        }
        int edge = (int) Math.round(n * Math.sqrt((double) t / bands));
        return Math.min(n, edge / 16 * 16);
    }

    private static boolean inPool(ForkJoinPool p) {
        return Thread.currentThread() instanceof ForkJoinWorkerThread w && w.getPool() == p;
    }

    /** Binary splitting of task indices, so nested sections share the pool without blocking it. */
    private static final class Split extends RecursiveAction {
        private final int from;
        private final int to;
        private final IntConsumer body;

        Split(int from, int to, IntConsumer body) {
            this.from = from;
            this.to = to;
            this.body = body;
        }

        @Override
        protected void compute() {
            if (to - from == 1) {
                body.accept(from);
                return;
            }
            int mid = (from + to) >>> 1;
            invokeAll(new Split(from, mid, body), new Split(mid, to, body));
        }
    }
}
