package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/**
 * Mirrors the image left to right with probability {@code probability}. Default 0.5, as SimCLR;
 * strength s gives 0.5·min(s, 1): flipping more often than every other time adds nothing.
 * <p>Immutable and thread-safe: each call works only on the caller's image, scratch space and
 * generator.
 *
 * @param probability chance of a flip, in [0, 1]
 */
public record HorizontalFlip(double probability) implements Augmentation {
    /** Probability 0.5. */
    public static final HorizontalFlip DEFAULT = new HorizontalFlip(0.5);

    /** Checks the probability. */
    public HorizontalFlip {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("flip probability must be in [0, 1], got " + probability);
        }
    }

    @Override
    public HorizontalFlip scaled(double s) {
        return new HorizontalFlip(probability * Math.min(s, 1));
    }

    @Override
    public void apply(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random) {
        if (random.nextDouble() >= probability) {
            return;
        }
        for (int y = 0; y < h; y++) {
            int row = off + y * w;
            for (int a = row, b = row + w - 1; a < b; a++, b--) {
                float t = img[a];
                img[a] = img[b];
                img[b] = t;
            }
        }
    }
}
