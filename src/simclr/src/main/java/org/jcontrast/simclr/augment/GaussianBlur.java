package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/**
 * With probability {@code probability}, blurs the image with a Gaussian of standard deviation
 * drawn uniformly from [minSigma, maxSigma] pixels, as two 1-D passes (rows, then columns) of a
 * normalised kernel of radius ⌈3σ⌉ (at most 15), repeating the edge pixels beyond the border. A
 * constant image stays constant.
 *
 * <p>Default: σ in [0.1, 1.0], probability 0.5. SimCLR draws σ from [0.1, 2.0] on 224-pixel
 * images with a kernel a tenth of the image side; on 28 pixels that kernel is 3 wide, so σ above
 * 1 would blur far more than SimCLR does. Strength s multiplies both σ bounds by s.
 * <p>Immutable and thread-safe: each call works only on the caller's image, scratch space and
 * generator.
 *
 * @param minSigma    smallest σ in pixels, ≥ 0
 * @param maxSigma    largest σ in pixels, ≥ minSigma
 * @param probability chance of blurring, in [0, 1]
 */
public record GaussianBlur(double minSigma, double maxSigma, double probability) implements Augmentation {
    /** σ in [0.1, 1.0], probability 0.5. */
    public static final GaussianBlur DEFAULT = new GaussianBlur(0.1, 1.0, 0.5);
    static final int MAX_RADIUS = 15;
    static final int MAX_KERNEL = 2 * MAX_RADIUS + 1;

    /** Checks the ranges. */
    public GaussianBlur {
        if (!(minSigma >= 0) || !(maxSigma >= minSigma) || !Double.isFinite(maxSigma)
                || !(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("blur needs 0 ≤ minSigma ≤ maxSigma (finite) and a probability in "
                    + "[0, 1], got " + minSigma + ", " + maxSigma + ", " + probability);
        }
    }

    @Override
    public GaussianBlur scaled(double s) {
        return new GaussianBlur(minSigma * s, maxSigma * s, probability);
    }

    @Override
    public void apply(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random) {
        boolean apply = random.nextDouble() < probability;
        double sigma = Draws.uniform(random, minSigma, maxSigma);
        if (apply && sigma > 0) {
            blur(img, off, h, w, sigma, scratch);
        }
    }

    /** Blurs in place with standard deviation {@code sigma}; {@code scratch} holds h·w + MAX_KERNEL floats. */
    static void blur(float[] img, int off, int h, int w, double sigma, float[] scratch) {
        int radius = (int) Math.min(MAX_RADIUS, Math.ceil(3 * sigma));
        int k0 = h * w; // the kernel lives after the h·w intermediate image
        double total = 0;
        for (int i = -radius; i <= radius; i++) {
            total += Math.exp(-0.5 * i * i / (sigma * sigma));
        }
        for (int i = -radius; i <= radius; i++) {
            scratch[k0 + radius + i] = (float) (Math.exp(-0.5 * i * i / (sigma * sigma)) / total);
        }
        for (int y = 0; y < h; y++) { // rows: img → scratch
            int row = off + y * w;
            for (int x = 0; x < w; x++) {
                float acc = 0f;
                for (int i = -radius; i <= radius; i++) {
                    int xi = Math.min(w - 1, Math.max(0, x + i));
                    acc += scratch[k0 + radius + i] * img[row + xi];
                }
                scratch[y * w + x] = acc;
            }
        }
        for (int y = 0; y < h; y++) { // columns: scratch → img
            for (int x = 0; x < w; x++) {
                float acc = 0f;
                for (int i = -radius; i <= radius; i++) {
                    int yi = Math.min(h - 1, Math.max(0, y + i));
                    acc += scratch[k0 + radius + i] * scratch[yi * w + x];
                }
                img[off + y * w + x] = Draws.clamp01(acc);
            }
        }
    }
}
