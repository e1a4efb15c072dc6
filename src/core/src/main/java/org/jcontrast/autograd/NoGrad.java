package org.jcontrast.autograd;

/**
 * A scope in which operations record no graph, for evaluation and for the parts of a computation
 * that must not carry gradients: {@code try (NoGrad _ = NoGrad.enter()) { ... }}.
 * Scopes nest and belong to the thread that opened them.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private boolean closed;

    private NoGrad() {
    }

    /**
     * Opens a scope on the current thread; close it on the same thread.
     *
     * @return the scope, to close (try-with-resources)
     */
    public static NoGrad enter() {
        DEPTH.get()[0]++;
        return new NoGrad();
    }

    /** True while a scope is open on the current thread. */
    static boolean active() {
        return DEPTH.get()[0] > 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            DEPTH.get()[0]--;
        }
    }
}
