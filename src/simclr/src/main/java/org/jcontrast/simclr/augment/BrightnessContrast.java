package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/**
 * SimCLR's colour jitter reduced to what a grayscale image has: with probability
 * {@code probability}, multiplies every pixel by a brightness factor drawn from
 * [1 − brightness, 1 + brightness], then scales the distance to the image mean by a contrast factor
 * drawn from [1 − contrast, 1 + contrast], and clamps to [0, 1].
 *
 * <p>Default: brightness 0.4, contrast 0.4, probability 0.8 (SimCLR's CIFAR setting, jitter
 * strength 0.5 × 0.8). Strength s multiplies brightness and contrast by s.
 * <p>Immutable and thread-safe: each call works only on the caller's image, scratch space and
 * generator.
 *
 * @param brightness  half-width of the brightness factor's range, ≥ 0
 * @param contrast    half-width of the contrast factor's range, ≥ 0
 * @param probability chance of applying the jitter, in [0, 1]
 */
public record BrightnessContrast(double brightness, double contrast, double probability) implements Augmentation {
    /** Brightness 0.4, contrast 0.4, probability 0.8. */
    public static final BrightnessContrast DEFAULT = new BrightnessContrast(0.4, 0.4, 0.8);

    /** Checks the ranges. */
    public BrightnessContrast {
        if (!(brightness >= 0) || !(contrast >= 0) || !(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("jitter needs brightness ≥ 0, contrast ≥ 0 and a probability in [0, 1], "
                    + "got " + brightness + ", " + contrast + ", " + probability);
        }
    }

    @Override
    public BrightnessContrast scaled(double s) {
        return new BrightnessContrast(brightness * s, contrast * s, probability);
    }

    @Override
    public void apply(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random) {
        boolean apply = random.nextDouble() < probability;
        float b = (float) Draws.uniform(random, Math.max(0, 1 - brightness), 1 + brightness);
        float c = (float) Draws.uniform(random, Math.max(0, 1 - contrast), 1 + contrast);
        if (!apply) {
            return;
        }
        int n = h * w;
        if (brightness > 0) {
            for (int i = off; i < off + n; i++) {
                img[i] = Draws.clamp01(img[i] * b);
            }
        }
        if (contrast > 0) {
            double sum = 0;
            for (int i = off; i < off + n; i++) {
                sum += img[i];
            }
            float mean = (float) (sum / n);
            for (int i = off; i < off + n; i++) {
                img[i] = Draws.clamp01(mean + c * (img[i] - mean));
            }
        }
    }
}
