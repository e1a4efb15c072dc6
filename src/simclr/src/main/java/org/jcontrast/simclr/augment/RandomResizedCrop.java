package org.jcontrast.simclr.augment;

import java.util.SplittableRandom;

/**
 * Crops a random rectangle and resizes it back to the full image with bilinear interpolation, as
 * SimCLR's first augmentation. The rectangle covers a fraction of the image area drawn uniformly
 * from [minScale, 1] and has an aspect ratio, relative to the image's own, whose logarithm is
 * uniform in [−ln maxAspect, ln maxAspect]; its position is uniform over where it fits.
 *
 * <p>Default ({@link #DEFAULT}): minScale 0.2, maxAspect 4/3. SimCLR uses minScale 0.08 on
 * 224-pixel ImageNet images; 0.2 is the usual choice for 28- and 32-pixel images, where 8% of
 * the area leaves a few pixels. Strength s moves minScale to 1 − s·(1 − 0.2) (at least 0.02) and
 * multiplies ln maxAspect by s: s = 0 crops the whole image, which returns it unchanged.
 * <p>Immutable and thread-safe: each call works only on the caller's image, scratch space and
 * generator.
 *
 * @param minScale  smallest fraction of the area kept, in (0, 1]
 * @param maxAspect largest aspect-ratio change, ≥ 1
 */
public record RandomResizedCrop(double minScale, double maxAspect) implements Augmentation {
    /** minScale 0.2, maxAspect 4/3. */
    public static final RandomResizedCrop DEFAULT = new RandomResizedCrop(0.2, 4.0 / 3.0);
    private static final double MIN_SCALE_FLOOR = 0.02;
    private static final int TRIES = 10;

    /** Checks the ranges. */
    public RandomResizedCrop {
        if (!(minScale > 0 && minScale <= 1) || !(maxAspect >= 1 && Double.isFinite(maxAspect))) {
            throw new IllegalArgumentException("crop needs minScale in (0, 1] and a finite maxAspect ≥ 1, got "
                    + minScale + " and " + maxAspect);
        }
    }

    @Override
    public RandomResizedCrop scaled(double s) {
        return new RandomResizedCrop(Math.max(MIN_SCALE_FLOOR, 1 - s * (1 - minScale)),
                Math.exp(s * Math.log(maxAspect)));
    }

    @Override
    public void apply(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random) {
        double logAspect = Math.log(maxAspect);
        double cw = w, ch = h;
        boolean fits = false;
        for (int t = 0; t < TRIES && !fits; t++) {
            double area = Draws.uniform(random, minScale, 1);
            double ratio = Math.exp(Draws.uniform(random, -logAspect, logAspect));
            cw = w * Math.sqrt(area * ratio);
            ch = h * Math.sqrt(area / ratio);
            fits = cw <= w && ch <= h;
        }
        cw = Math.min(cw, w);
        ch = Math.min(ch, h);
        double x0 = Draws.uniform(random, 0, w - cw);
        double y0 = Draws.uniform(random, 0, h - ch);
        if (cw == w && ch == h) {
            return; // the whole image: resampling would return it unchanged
        }
        System.arraycopy(img, off, scratch, 0, h * w);
        resample(scratch, img, off, h, w, x0, y0, cw, ch);
    }

    /**
     * Writes into {@code dst} the {@code h × w} bilinear resampling of the rectangle (x0, y0, cw, ch)
     * of {@code src}, in pixel units with pixel centres at integer + 0.5 and edges clamped.
     */
    static void resample(float[] src, float[] dst, int off, int h, int w, double x0, double y0, double cw,
                         double ch) {
        double sxStep = cw / w, syStep = ch / h;
        for (int y = 0; y < h; y++) {
            double sy = Math.min(h - 1, Math.max(0, y0 + (y + 0.5) * syStep - 0.5));
            int iy = (int) sy;
            int iy1 = Math.min(iy + 1, h - 1);
            float fy = (float) (sy - iy);
            int r0 = iy * w, r1 = iy1 * w, out = off + y * w;
            for (int x = 0; x < w; x++) {
                double sx = Math.min(w - 1, Math.max(0, x0 + (x + 0.5) * sxStep - 0.5));
                int ix = (int) sx;
                int ix1 = Math.min(ix + 1, w - 1);
                float fx = (float) (sx - ix);
                float top = src[r0 + ix] + fx * (src[r0 + ix1] - src[r0 + ix]);
                float bottom = src[r1 + ix] + fx * (src[r1 + ix1] - src[r1 + ix]);
                dst[out + x] = top + fy * (bottom - top);
            }
        }
    }
}
