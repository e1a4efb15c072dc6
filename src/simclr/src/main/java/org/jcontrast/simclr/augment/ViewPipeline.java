package org.jcontrast.simclr.augment;

import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.data.Seeds;
import org.jcontrast.tensor.Tensor;

/**
 * A fixed sequence of augmentations that turns a batch of images into several random views of it
 * (two for SimCLR), in parallel over samples.
 *
 * <p>View {@code v} of dataset sample {@code i} in epoch {@code e} uses its own generator derived
 * from (seed, e, i, v), so the views are the same whatever the thread count or the batch the
 * sample lands in.
 *
 * <p>{@link #ofStrength(double)} scales every step together: 0 gives identical copies of the
 * images, 1 the SimCLR-like defaults of {@link #simclr()}, above 1 stronger views (the InfoMin
 * "sweet spot" sweep varies this one number).
 */
public final class ViewPipeline {
    /** Samples per parallel chunk: enough work to pay for a task. */
    private static final int GRAIN = 8;
    private final List<Augmentation> steps;

    /**
     * A pipeline applying {@code steps} in order.
     *
     * @param steps the augmentations, applied first to last
     */
    public ViewPipeline(List<Augmentation> steps) {
        this.steps = List.copyOf(steps);
    }

    /**
     * The default recipe at strength 1: random resized crop, horizontal flip, brightness/contrast
     * jitter, Gaussian blur, Gaussian noise, random erasing, each with its documented default.
     *
     * @return the default recipe at strength 1: random resized crop, horizontal flip, brightness/contrast jitter,
     *     Gaussian blur, Gaussian noise, random erasing, each with its documented default
     */
    public static ViewPipeline simclr() {
        return new ViewPipeline(List.of(RandomResizedCrop.DEFAULT, HorizontalFlip.DEFAULT, BrightnessContrast.DEFAULT,
                GaussianBlur.DEFAULT, GaussianNoise.DEFAULT, RandomErasing.DEFAULT));
    }

    /**
     * The default recipe with every strength multiplied by {@code viewStrength} ≥ 0.
     *
     * @param viewStrength the factor, ≥ 0
     * @return the default recipe with every strength multiplied by {@code viewStrength} ≥ 0
     */
    public static ViewPipeline ofStrength(double viewStrength) {
        return simclr().scaled(viewStrength);
    }

    /**
     * This pipeline with every step's strength multiplied by {@code s} ≥ 0.
     *
     * @param s the factor, ≥ 0
     * @return this pipeline with every step's strength multiplied by {@code s} ≥ 0
     */
    public ViewPipeline scaled(double s) {
        if (!(s >= 0) || !Double.isFinite(s)) {
            throw new IllegalArgumentException("view strength must be a finite number ≥ 0, got " + s);
        }
        return new ViewPipeline(steps.stream().map(a -> a.scaled(s)).toList());
    }

    /**
     * The steps, in order.
     *
     * @return the steps, in order
     */
    public List<Augmentation> steps() {
        return steps;
    }

    /**
     * Applies every step to one image in place (see {@link Augmentation#apply}).
     *
     * @param img the pixel array holding the image
     * @param off index in {@code img} of the image's first pixel
     * @param h the image height in pixels
     * @param w the image width in pixels
     * @param scratch at least {@link Augmentation#scratchSize(int, int)} floats this call may overwrite
     * @param random the sample's own generator
     */
    public void augment(float[] img, int off, int h, int w, float[] scratch, SplittableRandom random) {
        for (Augmentation a : steps) {
            a.apply(img, off, h, w, scratch, random);
        }
    }

    /**
     * Writes view {@code v} of the samples {@code indices} of {@code data} into row r of
     * {@code views[v]}, for each v; every view tensor needs at least {@code indices.length} rows of
     * {@code data.pixels()} columns.
     *
     * @param data the dataset
     * @param indices the samples, one per row
     * @param seed the run's seed
     * @param epoch the epoch, 0-based, so each epoch draws new views
     * @param views the view tensors to fill, one per view
     */
    public void views(Dataset data, int[] indices, long seed, int epoch, Tensor... views) {
        int h = data.height(), w = data.width(), d = data.pixels();
        for (Tensor v : views) {
            if (v.rank() != 2 || v.dim(1) != d || v.dim(0) < indices.length) {
                throw new IllegalArgumentException("a view tensor of shape " + v.shapeString() + " cannot hold "
                        + indices.length + " images of " + d + " pixels");
            }
        }
        float[] src = data.images().array();
        int srcOff = data.images().offset();
        Parallel.forRange(indices.length, GRAIN, (from, to) -> {
            float[] scratch = new float[Augmentation.scratchSize(h, w)];
            for (int r = from; r < to; r++) {
                int sample = indices[r];
                for (int v = 0; v < views.length; v++) {
                    float[] out = views[v].array();
                    int off = views[v].offset() + r * d;
                    System.arraycopy(src, srcOff + sample * d, out, off, d);
                    augment(out, off, h, w, scratch, Seeds.random(seed, epoch, sample, v));
                }
            }
        });
        for (Tensor v : views) {
            v.markModified();
        }
    }

    @Override
    public String toString() {
        return steps.toString();
    }
}
