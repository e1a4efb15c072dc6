package org.jcontrast.simclr.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.tensor.Tensor;

/**
 * Labelled grayscale images held in memory: a float32 tensor of shape [N, height·width] with pixel
 * values in [0, 1], one class label per image in [0, classes), and a name for messages and reports.
 *
 * <p>A dataset is read-only by convention: the loaders build it once and the training loop copies
 * rows out of it ({@link #gather}) before augmenting them.
 * <p>Safe to read from several threads: nothing in it changes after construction, as long as no
 * caller writes to its images tensor.
 */
public final class Dataset {
    private final String name;
    private final Tensor images;
    private final int[] labels;
    private final int height;
    private final int width;
    private final List<String> classNames;

    /**
     * The two parts of a {@link #split}: one to train on, one held out for evaluation.
     *
     * @param train the part to train on
     * @param eval the held-out part
     */
    public record Split(Dataset train, Dataset eval) {
    }

    /**
     * Checks and wraps the parts of a dataset (the tensor and the label array are not copied).
     *
     * @param name the name used in messages
     * @param images the images, [N, height·width], values in [0, 1]
     * @param labels one label per image, in [0, classNames.size())
     * @param height image height in pixels
     * @param width image width in pixels
     * @param classNames the class names, index = label
     * @throws IllegalArgumentException naming {@code name} if the shapes disagree, a pixel is not a
     *         finite value in [0, 1] or a label is outside [0, classNames.size())
     */
    public Dataset(String name, Tensor images, int[] labels, int height, int width, List<String> classNames) {
        this.name = name;
        this.images = images;
        this.labels = labels;
        this.height = height;
        this.width = width;
        this.classNames = List.copyOf(classNames);
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(name + ": image size " + height + "×" + width + " is empty");
        }
        if (images.rank() != 2 || images.dim(1) != height * width) {
            throw new IllegalArgumentException(name + ": images have shape " + images.shapeString() + ", expected [N, "
                    + height * width + "] for " + height + "×" + width + " pixels");
        }
        if (images.dim(0) != labels.length) {
            throw new IllegalArgumentException(name + ": " + images.dim(0) + " images but " + labels.length + " labels");
        }
        if (this.classNames.isEmpty()) {
            throw new IllegalArgumentException(name + ": no classes");
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= this.classNames.size()) {
                throw new IllegalArgumentException(name + ": label " + labels[i] + " of sample " + i
                        + " is outside [0, " + this.classNames.size() + ")");
            }
        }
        checkPixels();
    }

    /**
     * Class names "0", "1", ... for datasets whose classes have no names.
     *
     * @param classes the number of classes
     * @return the names "0", "1", ... up to {@code classes - 1}
     */
    public static List<String> numberedClasses(int classes) {
        List<String> names = new ArrayList<>(classes);
        for (int c = 0; c < classes; c++) {
            names.add(Integer.toString(c));
        }
        return names;
    }

    private void checkPixels() {
        float[] d = images.array();
        int pixels = height * width, off = images.offset();
        for (int i = 0; i < labels.length; i++) {
            for (int p = 0; p < pixels; p++) {
                float v = d[off + i * pixels + p];
                if (!(v >= 0f && v <= 1f)) { // also false for NaN
                    throw new IllegalArgumentException(name + ": pixel " + p + " of sample " + i + " is " + v
                            + ", expected a value in [0, 1]");
                }
            }
        }
    }

    /**
     * Name used in messages and reports, e.g. {@code fashion-mnist/t10k}.
     *
     * @return name used in messages and reports
     */
    public String name() {
        return name;
    }

    /**
     * Number of images.
     *
     * @return number of images
     */
    public int size() {
        return labels.length;
    }

    /**
     * Image height in pixels.
     *
     * @return image height in pixels
     */
    public int height() {
        return height;
    }

    /**
     * Image width in pixels.
     *
     * @return image width in pixels
     */
    public int width() {
        return width;
    }

    /**
     * Pixels per image: height·width, the number of columns of {@link #images()}.
     *
     * @return pixels per image: height·width, the number of columns of {@link #images()}
     */
    public int pixels() {
        return height * width;
    }

    /**
     * Number of classes.
     *
     * @return number of classes
     */
    public int classes() {
        return classNames.size();
    }

    /**
     * The class names, index = label.
     *
     * @return the class names, index = label
     */
    public List<String> classNames() {
        return classNames;
    }

    /**
     * All images, shape [N, height·width], values in [0, 1]. Callers must not write to it.
     *
     * @return all images, shape [N, height·width], values in [0, 1]
     */
    public Tensor images() {
        return images;
    }

    /**
     * Image {@code i} as a view of shape [height·width].
     *
     * @param i the image, 0-based
     * @return image {@code i} as a view of shape [height·width]
     */
    public Tensor image(int i) {
        return images.row(i);
    }

    /**
     * Label of image {@code i}.
     *
     * @param i the image, 0-based
     * @return label of image {@code i}
     */
    public int label(int i) {
        return labels[i];
    }

    /**
     * A copy of all labels.
     *
     * @return a copy of all labels
     */
    public int[] labels() {
        return labels.clone();
    }

    /**
     * Number of images of each class.
     *
     * @return number of images of each class
     */
    public int[] classCounts() {
        int[] counts = new int[classes()];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /**
     * Copies the images at {@code indices} into the first {@code indices.length} rows of {@code out}.
     *
     * @param indices sample indices into the dataset
     * @param out receives the images, at least {@code indices.length} rows of {@link #pixels()} values
     */
    public void gather(int[] indices, Tensor out) {
        if (out.rank() != 2 || out.dim(1) != pixels() || out.dim(0) < indices.length) {
            throw new IllegalArgumentException("gather: output " + out.shapeString() + " cannot hold "
                    + indices.length + " images of " + pixels() + " pixels");
        }
        float[] src = images.array(), dst = out.array();
        int d = pixels();
        for (int r = 0; r < indices.length; r++) {
            System.arraycopy(src, images.offset() + indices[r] * d, dst, out.offset() + r * d, d);
        }
        out.markModified();
    }

    /**
     * Labels at {@code indices}.
     *
     * @param indices sample indices into the dataset
     * @return labels at {@code indices}
     */
    public int[] labelsAt(int[] indices) {
        int[] out = new int[indices.length];
        for (int r = 0; r < indices.length; r++) {
            out[r] = labels[indices[r]];
        }
        return out;
    }

    /**
     * A new dataset holding copies of the images at {@code indices}, in that order.
     *
     * @param indices sample indices into the dataset
     * @param subsetName the new dataset's name
     * @return a new dataset holding copies of the images at {@code indices}, in that order
     */
    public Dataset subset(int[] indices, String subsetName) {
        Tensor sub = Tensor.zeros(indices.length, pixels());
        gather(indices, sub);
        return new Dataset(subsetName, sub, labelsAt(indices), height, width, classNames);
    }

    /**
     * The first {@code n} images (all of them if there are fewer), e.g. for a quick run.
     *
     * @param n how many
     * @return the first {@code n} images (all of them if there are fewer)
     */
    public Dataset head(int n) {
        int[] first = new int[Math.min(n, size())];
        Arrays.setAll(first, i -> i);
        return subset(first, name + "[:" + first.length + "]");
    }

    /**
     * A stratified split: from each class, {@code round(evalFraction · count)} images chosen at
     * random (from {@code seed}) go to the evaluation part, the others to the training part; both
     * keep the original order. With {@code evalFraction = 0.2}: the 10,000-image Fashion-MNIST test
     * set (1,000 per class) gives 8,000 training and 2,000 evaluation images, the 60,000-image
     * training set 48,000 and 12,000, the 1,797 UCI digits 1,438 and 359.
     *
     * @param evalFraction the held-out fraction of each class, in [0, 1)
     * @param seed the seed of the random choice
     * @return the two parts
     */
    public Split split(double evalFraction, long seed) {
        if (!(evalFraction >= 0 && evalFraction <= 1)) {
            throw new IllegalArgumentException("evaluation fraction must be in [0, 1], got " + evalFraction);
        }
        boolean[] held = new boolean[size()];
        int[][] byClass = indicesByClass();
        for (int c = 0; c < byClass.length; c++) {
            int[] idx = byClass[c];
            shuffle(idx, Seeds.random(seed, 0x5B11L, c));
            long take = Math.round(idx.length * evalFraction);
            for (int i = 0; i < take; i++) {
                held[idx[i]] = true;
            }
        }
        int evalCount = 0;
        for (boolean h : held) {
            evalCount += h ? 1 : 0;
        }
        int[] train = new int[size() - evalCount];
        int[] eval = new int[evalCount];
        for (int i = 0, t = 0, e = 0; i < held.length; i++) {
            if (held[i]) {
                eval[e++] = i;
            } else {
                train[t++] = i;
            }
        }
        return new Split(subset(train, name + "/train"), subset(eval, name + "/eval"));
    }

    private int[][] indicesByClass() {
        int[] counts = classCounts();
        int[][] out = new int[counts.length][];
        for (int c = 0; c < counts.length; c++) {
            out[c] = new int[counts[c]];
        }
        int[] fill = new int[counts.length];
        for (int i = 0; i < labels.length; i++) {
            out[labels[i]][fill[labels[i]]++] = i;
        }
        return out;
    }

    /** Fisher–Yates shuffle in place. */
    static void shuffle(int[] a, SplittableRandom random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    @Override
    public String toString() {
        return name + " (" + size() + " images, " + height + "×" + width + ", " + classes() + " classes)";
    }
}
