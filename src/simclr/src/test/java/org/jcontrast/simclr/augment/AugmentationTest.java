package org.jcontrast.simclr.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmentationTest {
    private static final SplittableRandom RANDOM = new SplittableRandom(1);

    private static float[] scratch(int h, int w) {
        return new float[Augmentation.scratchSize(h, w)];
    }

    @Test
    void flipMirrorsEachRow() {
        float[] img = {9, 1, 2, 3, 4, 5, 6};
        new HorizontalFlip(1).apply(img, 1, 2, 3, scratch(2, 3), RANDOM);
        assertArrayEquals(new float[] {9, 3, 2, 1, 6, 5, 4}, img, "offset 1: the leading 9 is not part of the image");
        float[] untouched = {1, 2, 3, 4};
        new HorizontalFlip(0).apply(untouched, 0, 2, 2, scratch(2, 2), RANDOM);
        assertArrayEquals(new float[] {1, 2, 3, 4}, untouched);
    }

    @Test
    void resampleReproducesAHandComputedCrop() {
        // img(y, x) = x + 10·y; bilinear interpolation is exact on it, so the output is the source
        // coordinate mapped back: sx = 2 + (x + 0.5)·0.5 − 0.5, sy = (y + 0.5)·0.5 − 0.5, clamped.
        int h = 4, w = 4;
        float[] src = new float[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                src[y * w + x] = x + 10 * y;
            }
        }
        float[] dst = new float[h * w];
        RandomResizedCrop.resample(src, dst, 0, h, w, 2, 0, 2, 2);
        double[] sx = {1.75, 2.25, 2.75, 3.0};
        double[] sy = {0.0, 0.25, 0.75, 1.25};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                assertEquals(sx[x] + 10 * sy[y], dst[y * w + x], 1e-5, "pixel " + y + "," + x);
            }
        }
    }

    @Test
    void cropAtFullScaleIsTheIdentityAndSmallCropsZoomIn() {
        float[] img = randomImage(28 * 28, 3);
        float[] copy = img.clone();
        new RandomResizedCrop(1, 1).apply(img, 0, 28, 28, scratch(28, 28), new SplittableRandom(4));
        assertArrayEquals(copy, img);
        // A step edge at x = 14 stays a single edge; zooming in on a quarter of the area makes the
        // transition region wider or moves it, but never creates new levels outside [0, 1].
        float[] edge = new float[16 * 16];
        for (int i = 0; i < edge.length; i++) {
            edge[i] = i % 16 < 8 ? 0f : 1f;
        }
        new RandomResizedCrop(0.25, 1).scaled(1).apply(edge, 0, 16, 16, scratch(16, 16), new SplittableRandom(5));
        for (int y = 0; y < 16; y++) {
            for (int x = 1; x < 16; x++) {
                assertTrue(edge[y * 16 + x] >= edge[y * 16 + x - 1], "a rising edge stays monotone in x");
            }
        }
    }

    @Test
    void blurKeepsAConstantImageAndTheMassOfAnInteriorDot() {
        float[] flat = new float[10 * 12];
        Arrays.fill(flat, 0.6f);
        GaussianBlur.blur(flat, 0, 10, 12, 1.5, scratch(10, 12));
        for (float v : flat) {
            assertEquals(0.6f, v, 1e-6f);
        }
        float[] dot = new float[15 * 15];
        dot[7 * 15 + 7] = 1f;
        GaussianBlur.blur(dot, 0, 15, 15, 1.0, scratch(15, 15));
        double sum = 0;
        for (float v : dot) {
            sum += v;
        }
        assertEquals(1.0, sum, 1e-5, "the kernel is normalised");
        // Expected centre: the 1-D normalised kernel's centre weight squared, computed here in double.
        double total = 0;
        for (int i = -3; i <= 3; i++) {
            total += Math.exp(-0.5 * i * i);
        }
        assertEquals(1 / (total * total), dot[7 * 15 + 7], 1e-6);
        assertEquals(dot[7 * 15 + 6], dot[7 * 15 + 8], 1e-7, "symmetric");
        assertEquals(dot[6 * 15 + 7], dot[7 * 15 + 6], 1e-7, "same in both directions");
    }

    @Test
    void erasingFillsOneRectangleOfTheRequestedArea() {
        int h = 20, w = 20;
        for (long seed = 0; seed < 20; seed++) {
            float[] img = new float[h * w];
            Arrays.fill(img, 2f); // outside [0, 1]: every erased pixel is visible
            new RandomErasing(1, 0.05, 0.2, 2).apply(img, 0, h, w, scratch(h, w), new SplittableRandom(seed));
            int minY = h, maxY = -1, minX = w, maxX = -1, count = 0;
            for (int i = 0; i < img.length; i++) {
                if (img[i] != 2f) {
                    assertTrue(img[i] >= 0f && img[i] < 1f);
                    count++;
                    minY = Math.min(minY, i / w);
                    maxY = Math.max(maxY, i / w);
                    minX = Math.min(minX, i % w);
                    maxX = Math.max(maxX, i % w);
                }
            }
            assertEquals((maxY - minY + 1) * (maxX - minX + 1), count, "the erased pixels form a rectangle");
            // Rounding each side to whole pixels moves the area by at most one row and one column.
            assertTrue(count >= 0.05 * h * w - (maxY - minY + maxX - minX + 3) && count <= 0.2 * h * w
                    + (maxY - minY + maxX - minX + 3), "area " + count);
        }
    }

    @Test
    void brightnessScalesPixelsAndContrastKeepsAConstantImage() {
        float[] img = {0.1f, 0.2f, 0.3f, 0.4f};
        new BrightnessContrast(0.5, 0, 1).apply(img, 0, 2, 2, scratch(2, 2), new SplittableRandom(2));
        float factor = img[0] / 0.1f;
        assertTrue(factor >= 0.5f && factor <= 1.5f && factor != 1f, "factor " + factor);
        assertEquals(0.4f * factor, img[3], 1e-6f, "one factor for the whole image");
        float[] flat = {0.3f, 0.3f, 0.3f, 0.3f};
        new BrightnessContrast(0, 0.9, 1).apply(flat, 0, 2, 2, scratch(2, 2), new SplittableRandom(3));
        for (float v : flat) {
            assertEquals(0.3f, v, 1e-6f);
        }
    }

    @Test
    void noiseHasTheRequestedStandardDeviation() {
        float[] img = new float[64 * 64];
        Arrays.fill(img, 0.5f);
        new GaussianNoise(0.05, 1).apply(img, 0, 64, 64, scratch(64, 64), new SplittableRandom(6));
        double sum = 0, sq = 0;
        for (float v : img) {
            sum += v - 0.5;
            sq += (v - 0.5) * (v - 0.5);
        }
        double mean = sum / img.length, sd = Math.sqrt(sq / img.length - mean * mean);
        assertEquals(0, mean, 0.005);
        assertEquals(0.05, sd, 0.005);
    }

    @Test
    void strengthScalesParametersDownToTheIdentity() {
        assertEquals(new RandomResizedCrop(1, 1), RandomResizedCrop.DEFAULT.scaled(0));
        assertEquals(0.2, RandomResizedCrop.DEFAULT.scaled(1).minScale(), 1e-12);
        assertEquals(0.02, RandomResizedCrop.DEFAULT.scaled(5).minScale(), 1e-12, "floored");
        assertEquals(0.5, HorizontalFlip.DEFAULT.scaled(3).probability());
        assertEquals(0.8, BrightnessContrast.DEFAULT.scaled(2).brightness(), 1e-12);
        assertEquals(2.0, GaussianBlur.DEFAULT.scaled(2).maxSigma(), 1e-12);
        assertEquals(1.0, RandomErasing.DEFAULT.scaled(10).probability());
        assertEquals(0, RandomErasing.DEFAULT.scaled(0).probability());
        assertThrows(IllegalArgumentException.class, () -> ViewPipeline.ofStrength(-1));
        assertThrows(IllegalArgumentException.class, () -> ViewPipeline.ofStrength(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new RandomResizedCrop(0, 1));
        assertFalse(ViewPipeline.simclr().steps().isEmpty());
    }

    static float[] randomImage(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] img = new float[n];
        for (int i = 0; i < n; i++) {
            img[i] = r.nextFloat();
        }
        return img;
    }
}
