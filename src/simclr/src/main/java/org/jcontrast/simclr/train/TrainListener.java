package org.jcontrast.simclr.train;

/**
 * What a {@link Trainer} reports as it goes (progress bars, logs).
 * <p>Called on the training thread, between steps.
 */
public interface TrainListener {
    /** Does nothing. */
    TrainListener NONE = new TrainListener() {
    };

    /**
     * One optimiser step done.
     *
     * @param epoch   0-based epoch
     * @param step    0-based step within the epoch
     * @param loss    the step's loss
     * @param samples images the step used
     */
    default void onStep(int epoch, int step, double loss, int samples) {
    }

    /**
     * Epoch {@code epoch} (0-based) is over; {@code meanLoss} is the mean of its steps' losses.
     *
     * @param epoch the epoch, 0-based
     * @param meanLoss the mean of its steps' losses
     */
    default void onEpoch(int epoch, double meanLoss) {
    }
}
