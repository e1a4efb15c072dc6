package org.jcontrast.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;

/**
 * A cooperative stop for long runs. The training loop polls {@link #getAsBoolean()} after each
 * step and, when it is set, stops, writes its summary and checkpoint, then calls
 * {@link #finished()}.
 *
 * <p>{@link #installHandlers} catches Ctrl-C twice over. The first Ctrl-C asks the loop to stop
 * after its current step and write its results; a second one stops the process at once, saying
 * what the run has already kept on disk ({@link #keep}). This needs a handler of SIGINT itself,
 * {@code sun.misc.Signal} of the {@code jdk.unsupported} module, since a JVM in its shutdown ignores
 * further signals; where that handler cannot be installed, and for SIGTERM, a shutdown hook sets the
 * flag and holds the exit until the loop reports {@link #finished()} or the grace period ends.
 */
final class StopRequest implements BooleanSupplier, AutoCloseable {
    /** Exit status after a second Ctrl-C: 128 + SIGINT, as shells report it. */
    static final int INTERRUPTED_STATUS = 130;
    private volatile String reason;
    private volatile String kept = "nothing yet";
    private final CountDownLatch done = new CountDownLatch(1);
    private Thread hook;
    private sun.misc.SignalHandler previousInterrupt;

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

    /** Records what the run has on disk so far, e.g. "runs/x/checkpoint.jckp (epoch 3 of 10)". */
    void keep(String what) {
        kept = what;
    }

    /** Called by the loop once its results are written: lets a pending exit go ahead. */
    void finished() {
        done.countDown();
    }

    /** Waits until {@link #finished()} was called, at most {@code timeout}; true if it was. */
    boolean awaitFinished(Duration timeout) throws InterruptedException {
        return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Installs the Ctrl-C handler and the shutdown hook of the class comment; {@code err} gets their lines. */
    synchronized void installHandlers(Duration grace, PrintStream err) {
        installShutdownHook(grace, err);
        try {
            previousInterrupt = sun.misc.Signal.handle(new sun.misc.Signal("INT"),
                    signal -> onInterrupt(err, Runtime.getRuntime()::halt));
        } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
            // no SIGINT here, or the JVM keeps it (-Xrs): the shutdown hook covers Ctrl-C then
        }
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

    /**
     * A Ctrl-C: the first asks for a stop, the second exits through {@code halt} at once;
     * package-private for the tests.
     */
    void onInterrupt(PrintStream err, IntConsumer halt) {
        if (getAsBoolean()) {
            err.println();
            err.println("jcontrast: stopped at once; kept " + kept);
            err.flush();
            halt.accept(INTERRUPTED_STATUS);
            return;
        }
        request("interrupted");
        err.println();
        err.println("jcontrast: stopping after the current step and writing the results; press Ctrl-C again to stop "
                + "at once");
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
                err.println("jcontrast: the run did not finish within " + grace.toSeconds() + " s; exiting anyway; "
                        + "kept " + kept);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks the run finished and removes the handlers (the hook stays if the JVM is already shutting down). */
    @Override
    public synchronized void close() {
        finished();
        if (previousInterrupt != null) {
            sun.misc.Signal.handle(new sun.misc.Signal("INT"), previousInterrupt);
            previousInterrupt = null;
        }
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
