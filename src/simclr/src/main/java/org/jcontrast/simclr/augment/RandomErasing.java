package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/**
 * With probability {@code probability}, replaces a random rectangle by uniform noise in [0, 1]
 * (Zhong et al. 2020, "Random Erasing Data Augmentation"). The rectangle covers a fraction of the
 * area drawn from [minArea, maxArea] with a log-uniform aspect ratio in [1/maxAspect, maxAspect];
 * when 10 draws all fail to fit, nothing is erased.
 *
 * <p>Default: probability 0.25, area [0.02, 0.2], aspect up to 3.3. Not in SimCLR's recipe; it
 * hides parts of the object, which helps on small images where crops cannot remove much.
 * Strength s multiplies the probability (at most 1) and maxArea (at most 1) by s.
 * <p>Immutable and thread-safe: each call works only on the caller's image, scratch space and
 * generator.
 *
 * @param probability chance of erasing, in [0, 1]
 * @param minArea     smallest fraction of the area erased, in [0, maxArea]
 * @param maxArea     largest fraction, in [minArea, 1]
 * @param maxAspect   largest aspect ratio, ≥ 1
 */
public record RandomErasing(double probability, double minArea, double maxArea, double maxAspect)
        implements Augmentation {
    /** Probability 0.25, area [0.02, 0.2], aspect up to 3.3. */
    public static final RandomErasing DEFAULT = new RandomErasing(0.25, 0.02, 0.2, 3.3);
    private static final int TRIES = 10;

    /** Checks the ranges. */
    public RandomErasing {
        if (!(probability >= 0 && probability <= 1) || !(minArea >= 0) || !(maxArea >= minArea && maxArea <= 1)
                || !(maxAspect >= 1 && Double.isFinite(maxAspect))) {
            throw new IllegalArgumentException("erasing needs a probability in [0, 1], 0 ≤ minArea ≤ maxArea ≤ 1 and "
                    + "a finite maxAspect ≥ 1, got " + probability + ", " + minArea + ", " + maxArea + ", " + maxAspect);
        }
    }

    @Override
    public RandomErasing scaled(double s) {
        double max = Math.min(1, maxArea * s);
        return new RandomErasing(Math.min(1, probability * s), Math.min(minArea, max), max, maxAspect);
    }

    @Override
    public void apply(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random) {
        if (random.nextDouble() >= probability) {
            return;
        }
        double logAspect = Math.log(maxAspect);
        for (int t = 0; t < TRIES; t++) {
            double area = Draws.uniform(random, minArea, maxArea) * h * w;
            double ratio = Math.exp(Draws.uniform(random, -logAspect, logAspect));
            int eh = (int) Math.round(Math.sqrt(area * ratio));
            int ew = (int) Math.round(Math.sqrt(area / ratio));
            if (eh >= 1 && ew >= 1 && eh <= h && ew <= w) {
                int y0 = random.nextInt(h - eh + 1);
                int x0 = random.nextInt(w - ew + 1);
                for (int y = y0; y < y0 + eh; y++) {
                    for (int x = x0; x < x0 + ew; x++) {
                        img[off + y * w + x] = random.nextFloat();
                    }
                }
                return;
            }
        }
    }
}
