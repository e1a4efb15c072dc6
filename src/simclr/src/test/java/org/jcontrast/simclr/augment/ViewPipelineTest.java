package org.jcontrast.simclr.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.junit.jupiter.api.Test;

class ViewPipelineTest {
    private static final int N = 40;
    private static final int SIDE = 12;

    private static Dataset blobs() {
        // Smooth random images: a bright disc at a random place on a dark background.
        Tensor images = Tensor.zeros(N, SIDE * SIDE);
        int[] labels = new int[N];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < N; i++) {
            double cx = 3 + 6 * r.nextDouble(), cy = 3 + 6 * r.nextDouble();
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    double d2 = (x - cx) * (x - cx) + (y - cy) * (y - cy);
                    images.set(i, y * SIDE + x, (float) Math.exp(-d2 / 8));
                }
            }
            labels[i] = i % 2;
        }
        return new Dataset("blobs", images, labels, SIDE, SIDE, Dataset.numberedClasses(2));
    }

    private static int[] all() {
        int[] idx = new int[N];
        Arrays.setAll(idx, i -> i);
        return idx;
    }

    private static Tensor[] views(ViewPipeline p, Dataset d, int[] idx, long seed, int epoch) {
        Tensor a = Tensor.zeros(idx.length, d.pixels()), b = Tensor.zeros(idx.length, d.pixels());
        p.views(d, idx, seed, epoch, a, b);
        return new Tensor[] {a, b};
    }

    @Test
    void strengthZeroGivesExactCopies() {
        Dataset d = blobs();
        Tensor[] v = views(ViewPipeline.ofStrength(0), d, all(), 3, 0);
        assertArrayEquals(d.images().toArray(), v[0].toArray());
        assertArrayEquals(d.images().toArray(), v[1].toArray());
    }

    @Test
    void viewsDependOnSeedEpochSampleAndViewOnly() throws Exception {
        Dataset d = blobs();
        ViewPipeline p = ViewPipeline.simclr();
        Tensor[][] runs = new Tensor[2][];
        Contexts.withThreads(1, () -> runs[0] = views(p, d, all(), 5, 2));
        Contexts.withThreads(3, () -> runs[1] = views(p, d, all(), 5, 2));
        Tensor[] one = runs[0], many = runs[1];
        assertArrayEquals(one[0].toArray(), many[0].toArray(), "thread count does not matter");
        assertArrayEquals(one[1].toArray(), many[1].toArray());
        assertFalse(Arrays.equals(one[0].toArray(), one[1].toArray()), "the two views differ");
        assertFalse(Arrays.equals(one[0].toArray(), views(p, d, all(), 5, 3)[0].toArray()), "epochs differ");
        assertFalse(Arrays.equals(one[0].toArray(), views(p, d, all(), 6, 2)[0].toArray()), "seeds differ");
        // Sample 7 gets the same views whether it is alone or inside the full batch.
        Tensor[] alone = views(p, d, new int[] {7}, 5, 2);
        assertArrayEquals(one[0].row(7).toArray(), alone[0].row(0).toArray());
    }

    @Test
    void outputsStayInTheUnitRangeAndStrongerMeansFartherFromTheOriginal() {
        Dataset d = blobs();
        double previous = 0;
        for (double s : new double[] {0.25, 1, 3}) {
            Tensor[] v = views(ViewPipeline.ofStrength(s), d, all(), 9, 0);
            double dist = 0;
            float[] a = v[0].toArray(), orig = d.images().toArray();
            for (int i = 0; i < a.length; i++) {
                assertTrue(a[i] >= 0f && a[i] <= 1f, "strength " + s + ": " + a[i]);
                dist += Math.abs(a[i] - orig[i]);
            }
            assertTrue(dist > previous, "strength " + s + " moved the images by " + dist + ", less than " + previous);
            previous = dist;
        }
    }

    @Test
    void viewTensorsMustFit() {
        Dataset d = blobs();
        assertThrows(IllegalArgumentException.class,
                () -> ViewPipeline.simclr().views(d, all(), 1, 0, Tensor.zeros(N - 1, d.pixels())));
    }
}
