package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/**
 * Adds independent normal noise of standard deviation {@code sigma} to every pixel with
 * probability {@code probability}, then clamps to [0, 1]. Not part of SimCLR's recipe; useful on
 * small grayscale images, where colour distortion has little to work on.
 *
 * <p>Default: sigma 0.05, probability 0.5. Strength s multiplies sigma by s.
 * <p>Immutable and thread-safe: each call works only on the caller's image, scratch space and
 * generator.
 *
 * @param sigma       noise standard deviation, ≥ 0
 * @param probability chance of adding noise, in [0, 1]
 */
public record GaussianNoise(double sigma, double probability) implements Augmentation {
    /** Sigma 0.05, probability 0.5. */
    public static final GaussianNoise DEFAULT = new GaussianNoise(0.05, 0.5);

    /** Checks the ranges. */
    public GaussianNoise {
        if (!(sigma >= 0 && Double.isFinite(sigma)) || !(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("noise needs a finite sigma ≥ 0 and a probability in [0, 1], got "
                    + sigma + " and " + probability);
        }
    }

    @Override
    public GaussianNoise scaled(double s) {
        return new GaussianNoise(sigma * s, probability);
    }

    @Override
    public void apply(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random) {
        if (random.nextDouble() >= probability || sigma == 0) {
            return;
        }
        float sd = (float) sigma;
        for (int i = off; i < off + h * w; i++) {
            img[i] = Draws.clamp01(img[i] + sd * (float) random.nextGaussian());
        }
    }
}
