package org.jcontrast.simclr.train;

import java.util.Locale;

/**
 * A training run produced a non-finite loss, embedding or weight and was stopped: its weights
 * can no longer be trusted, so nothing after the step that diverged should be saved.
 */
public final class TrainingDivergedException extends IllegalStateException {
    /** 1-based epoch of the step that diverged. */
    private final int epoch;
    /** 1-based step within that epoch. */
    private final int step;
    /** The loss of the last step that went well, NaN if none did. */
    private final double lastFiniteLoss;

    /**
     * @param epoch          1-based epoch of the step that diverged
     * @param step           1-based step within that epoch
     * @param lastFiniteLoss the loss of the last step that went well, NaN if none did
     * @param what           what was not finite, e.g. "the loss is NaN"
     */
    TrainingDivergedException(int epoch, int step, double lastFiniteLoss, String what) {
        super(String.format(Locale.ROOT, "training diverged at epoch %d, step %d (%s; %s); try a lower --lr", epoch,
                step, what, Double.isNaN(lastFiniteLoss) ? "no finite loss before it"
                        : String.format(Locale.ROOT, "last finite loss %.4f", lastFiniteLoss)));
        this.epoch = epoch;
        this.step = step;
        this.lastFiniteLoss = lastFiniteLoss;
    }

    /**
     * The epoch of the step that diverged.
     *
     * @return the epoch, 1-based
     */
    public int epoch() {
        return epoch;
    }

    /**
     * The step that diverged, within {@link #epoch()}.
     *
     * @return the step, 1-based
     */
    public int step() {
        return step;
    }

    /**
     * The loss of the last step that went well.
     *
     * @return that loss, NaN if no step did
     */
    public double lastFiniteLoss() {
        return lastFiniteLoss;
    }
}
