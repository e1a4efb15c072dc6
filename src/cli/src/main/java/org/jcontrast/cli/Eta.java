package org.jcontrast.cli;

/**
 * The time left in a run of steps, from the pace of the steps after the first few: those include
 * class loading and the JIT compiling the kernels, and an average over them reads hours where the
 * run takes minutes. Until enough steps were timed the estimate is withheld (NaN). Not thread-safe.
 */
final class Eta {
    /** Steps of this session not timed: the warm-up. */
    static final int WARMUP_STEPS = 2;
    /** Timed steps before an estimate is given... */
    static final int MIN_STEPS = 5;
    /** ...or this long of timed steps, for runs whose steps are slow. */
    static final long MIN_NANOS = 20_000_000_000L;
    private final long total;
    private final long startSteps;
    private long done;
    private long markNanos;
    private long markSteps = -1;

    /**
     * @param total steps of the whole run
     * @param done  steps done before this session (a resumed run)
     */
    Eta(long total, long done) {
        this.total = total;
        this.startSteps = done;
        this.done = done;
    }

    /** One more step is done at {@code nanos} (a monotonic clock). */
    void step(long nanos) {
        done++;
        if (done - startSteps == WARMUP_STEPS) {
            markNanos = nanos;
            markSteps = done;
        }
    }

    /** Steps done, this session's and those before. */
    long done() {
        return done;
    }

    /** Seconds left at {@code nanos}: 0 once all steps are done, NaN while too few steps were timed. */
    double secondsLeft(long nanos) {
        if (done >= total) {
            return 0;
        }
        long timed = done - markSteps;
        long elapsed = nanos - markNanos;
        if (markSteps < 0 || timed < 1 || (timed < MIN_STEPS && elapsed < MIN_NANOS)) {
            return Double.NaN;
        }
        return (total - done) * (elapsed / 1e9) / timed;
    }
}
