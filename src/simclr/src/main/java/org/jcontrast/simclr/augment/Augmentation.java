package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/**
 * One random transformation of a grayscale image with pixel values in [0, 1], applied in place.
 * Implementations are immutable records of their parameters; {@link #scaled} gives the same
 * transformation made weaker or stronger, down to the identity at 0.
 */
public interface Augmentation {
    /**
     * Transforms the {@code h × w} image stored row-major at {@code img[off, off + h·w)} in place.
     *
     * @param img the pixel array
     * @param off index in {@code img} of the image's first pixel
     * @param h the image height in pixels
     * @param w the image width in pixels
     * @param scratch at least {@link #scratchSize(int, int)} floats this call may overwrite
     * @param random  the sample's own generator, so that the result depends on the sample alone
     */
    void apply(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random);

    /**
     * The same transformation with its strength multiplied by {@code s} ≥ 0; 0 gives the identity.
     *
     * @param s the factor, ≥ 0
     * @return the same transformation with its strength multiplied by {@code s} ≥ 0; 0 gives the identity
     */
    Augmentation scaled(double s);

    /**
     * Floats of scratch space {@link #apply} needs for an {@code h × w} image.
     *
     * @param h the image height
     * @param w the image width
     * @return floats of scratch space {@link #apply} needs for an {@code h × w} image
     */
    static int scratchSize(int h, int w) {
        return h * w + GaussianBlur.MAX_KERNEL;
    }
}
