package org.jcontrast.internal.backend;

/**
 * Runs every release step even when some fail, so that one failure does not leak the rest: the
 * router closing its backends, a backend freeing its per-thread device resources.
 */
public final class Releases {
    private Releases() {
    }

    /**
     * Runs each step in order; rethrows the first failure, with the later ones suppressed in it.
     */
    public static void all(Iterable<? extends Runnable> steps) {
        RuntimeException failure = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }
}
