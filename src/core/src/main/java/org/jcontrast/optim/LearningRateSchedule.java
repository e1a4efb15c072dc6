package org.jcontrast.optim;

/**
 * The learning rate as a function of the step (0 for the first).
 * <p>The built-in schedules are immutable and thread-safe; an implementation should be a pure function of the step.
 */
@FunctionalInterface
public interface LearningRateSchedule {
    /**
     * The learning rate for step {@code step}.
     *
     * @param step the step, 1 for the first
     * @return the learning rate, ≥ 0
     */
    double at(long step);

    /**
     * SimCLR's schedule: a linear warm-up from {@code peak / warmupSteps} to {@code peak} over the
     * first {@code warmupSteps} steps, then a half cosine from {@code peak} down to
     * {@code finalRate} at step {@code totalSteps}, and {@code finalRate} after that.
     *
     * @param peak the highest rate, reached at the end of the warm-up
     * @param warmupSteps the steps of the linear warm-up, ≥ 0
     * @param totalSteps the steps of the whole run
     * @param finalRate the rate at and after {@code totalSteps}
     * @return SimCLR's warm-up and cosine schedule
     */
    static LearningRateSchedule warmupCosine(double peak, long warmupSteps, long totalSteps, double finalRate) {
        if (!(peak >= 0) || !(finalRate >= 0) || warmupSteps < 0 || totalSteps < warmupSteps) {
            throw new IllegalArgumentException("warm-up cosine needs rates ≥ 0 and 0 ≤ warm-up ≤ total steps, got peak "
                    + peak + ", final " + finalRate + ", warm-up " + warmupSteps + ", total " + totalSteps);
        }
        return step -> {
            if (step < warmupSteps) {
                return peak * (step + 1) / warmupSteps;
            }
            long decaySteps = totalSteps - warmupSteps;
            double progress = decaySteps == 0 ? 1 : Math.min(1.0, (double) (step - warmupSteps) / decaySteps);
            return finalRate + 0.5 * (peak - finalRate) * (1 + Math.cos(Math.PI * progress));
        };
    }

    /**
     * The same rate at every step.
     *
     * @param rate the rate, ≥ 0
     * @return a schedule returning {@code rate} at every step
     */
    static LearningRateSchedule constant(double rate) {
        return step -> rate;
    }
}
