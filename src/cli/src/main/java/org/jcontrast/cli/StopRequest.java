package org.jcontrast.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A cooperative stop for long runs. The training loop polls {@link #getAsBoolean()} after each
 * step and, when it is set, stops, writes its summary and checkpoint, then calls
 * {@link #finished()}.
 *
 * <p>Ctrl-C is caught with a shutdown hook ({@link #installShutdownHook}), a public API on every
 * platform, rather than {@code sun.misc.Signal}, which is unsupported internal API: on SIGINT
 * the JVM starts its shutdown and runs the hook, which sets the flag and holds the exit until the
 * loop reports {@link #finished()} or the grace period ends. The main thread keeps running
 * meanwhile, so the summary of what was done gets written.
 */
final class StopRequest implements BooleanSupplier, AutoCloseable {
    private volatile String reason;
    private final CountDownLatch done = new CountDownLatch(1);
    private Thread hook;

    /** True once a stop was requested. */
    @Override
    public boolean getAsBoolean() {
        return reason != null;
    }

    /** Why the run was asked to stop, or null. */
    String reason() {
        return reason;
    }

    /** Asks the loop to stop after its current step; the first reason is kept. */
    synchronized void request(String why) {
        if (reason == null) {
            reason = why;
        }
    }

    /** Called by the loop once its results are written: lets a pending exit go ahead. */
    void finished() {
        done.countDown();
    }

    /** Waits until {@link #finished()} was called, at most {@code timeout}; true if it was. */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Registers the shutdown hook described in the class comment; {@code err} gets one line when
     * the stop starts and one if the grace period runs out.
     */
    synchronized void installShutdownHook(Duration grace, PrintStream err) {
        if (hook != null) {
            throw new IllegalStateException("the shutdown hook is already installed");
        }
        hook = new Thread(() -> onShutdown(grace, err), "jcontrast-stop");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /** The hook's work: request the stop and wait for the loop; package-private for the tests. */
    void onShutdown(Duration grace, PrintStream err) {
        if (done.getCount() == 0) {
            return; // the run is over: nothing to wait for
        }
        request("interrupted");
        err.println("jcontrast: stopping after the current step and writing the results (up to "
                + grace.toSeconds() + " s)...");
        try {
            if (!awaitFinished(grace)) {
                err.println("jcontrast: the run did not finish within " + grace.toSeconds() + " s; exiting anyway");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks the run finished and removes the hook (unless the JVM is already shutting down). */
    @Override
    public synchronized void close() {
        finished();
        if (hook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run; it returns at once now that the run is finished
            }
            hook = null;
        }
    }
}
