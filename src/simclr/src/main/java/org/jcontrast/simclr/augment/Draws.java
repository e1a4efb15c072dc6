package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/** Small helpers shared by the augmentations. */
final class Draws {
    private Draws() {
    }

    /** A value drawn uniformly from [lo, hi], or lo without drawing when the range is empty. */
    static double uniform(SplittableRandom random, double lo, double hi) {
        return hi > lo ? lo + (hi - lo) * random.nextDouble() : lo;
    }

    /** v clamped to [0, 1]. */
    static float clamp01(float v) {
        return Math.min(1f, Math.max(0f, v));
    }
}
