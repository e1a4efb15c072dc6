package org.jcontrast.simclr.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jcontrast.io.FormatException;
import org.jcontrast.io.Npy;
import org.jcontrast.tensor.Tensor;

/**
 * Opens a dataset from a path given by a user, choosing the reader from what the path is:
 * <ul>
 *   <li>a folder holding MNIST-style IDX files: its {@code train} part (60,000 images for
 *       Fashion-MNIST) if present, else its {@code t10k} part;</li>
 *   <li>an {@code *-images-idx3-ubyte[.gz]} file: it and the {@code *-labels-idx1-ubyte[.gz]} file
 *       beside it;</li>
 *   <li>a {@code .csv} or {@code .csv.gz} file: the UCI digits layout ({@link DigitsCsv});</li>
 *   <li>a {@code .npy} file of images, float32 or float64 of shape [N, P] with values in [0, 1] and
 *       P a square (square images, row-major), with its labels in {@code <name>.labels.npy}
 *       beside it, else in {@code labels.npy} in the same folder.</li>
 * </ul>
 * Paths whose text contains "fashion" get the Fashion-MNIST class names; other IDX data is
 * numbered. Each further format is one more case in {@link #fromPath}.
 * <p>Stateless and thread-safe.
 */
public final class Datasets {
    private static final String IMAGES_TAG = "-images-idx3-ubyte";
    private static final String LABELS_TAG = "-labels-idx1-ubyte";
    /** Labels of a .npy dataset number its classes from 0; this bounds the class table a file can ask for. */
    private static final int MAX_NPY_CLASSES = 1 << 16;

    private Datasets() {
    }

    /**
     * The dataset at {@code path}, read as the class documentation says.
     *
     * @param path a folder, an IDX images file, a {@code .csv[.gz]} or a {@code .npy} file
     * @return the dataset
     * @throws IOException when it cannot be read, or a {@link FormatException} naming the file and the problem
     */
    public static Dataset fromPath(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            for (String part : List.of("train", "t10k")) {
                Path images = firstExisting(path.resolve(part + IMAGES_TAG + ".gz"), path.resolve(part + IMAGES_TAG));
                if (images != null) {
                    return idxPair(images, part);
                }
            }
            throw new NoSuchFileException(path.toString(), null,
                    "holds no train" + IMAGES_TAG + "[.gz] or t10k" + IMAGES_TAG + "[.gz] file");
        }
        if (!Files.exists(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file or folder");
        }
        String file = path.getFileName().toString();
        String lower = file.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".csv") || lower.endsWith(".csv.gz")) {
            return DigitsCsv.load(path);
        }
        if (lower.endsWith(".npy")) {
            return npyPair(path, file.substring(0, file.length() - ".npy".length()));
        }
        int tag = file.indexOf(IMAGES_TAG);
        if (tag > 0) {
            return idxPair(path, file.substring(0, tag));
        }
        throw new IllegalArgumentException(path + ": unknown data format; expected a folder of IDX files, an "
                + "*" + IMAGES_TAG + "[.gz] file, a .csv[.gz] file of 8×8 digits or a .npy file of images");
    }

    private static Dataset npyPair(Path images, String stem) throws IOException {
        Path labelsFile = firstExisting(images.resolveSibling(stem + ".labels.npy"), images.resolveSibling("labels.npy"));
        if (labelsFile == null) {
            throw new NoSuchFileException(images.resolveSibling(stem + ".labels.npy").toString(), null,
                    "labels for " + images + " not found (nor labels.npy beside it)");
        }
        Tensor x = Npy.readTensor(images);
        int pixels = x.rank() == 2 ? x.dim(1) : 0;
        int side = (int) Math.round(Math.sqrt(pixels));
        if (pixels == 0 || side * side != pixels) {
            throw new FormatException(images.toString(), "images must be a matrix [N, P] with P a square (side × "
                    + "side pixels), got shape " + x.shapeString());
        }
        int[] labels = Npy.readLabels(labelsFile);
        int classes = 0;
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= MAX_NPY_CLASSES) {
                throw new FormatException(labelsFile.toString(), "label " + labels[i] + " at index " + i
                        + " is outside 0.." + (MAX_NPY_CLASSES - 1) + "; class labels number the classes from 0");
            }
            classes = Math.max(classes, labels[i] + 1);
        }
        return new Dataset("npy/" + stem, x, labels, side, side, Dataset.numberedClasses(Math.max(classes, 1)));
    }

    private static Dataset idxPair(Path images, String part) throws IOException {
        String base = images.getFileName().toString().replace(IMAGES_TAG, LABELS_TAG).replaceFirst("\\.gz$", "");
        Path found = firstExisting(images.resolveSibling(base + ".gz"), images.resolveSibling(base));
        if (found == null) {
            throw new NoSuchFileException(images.resolveSibling(base + "[.gz]").toString(), null,
                    "labels file for " + images + " not found");
        }
        boolean fashion = images.toAbsolutePath().toString().toLowerCase(Locale.ROOT).contains("fashion");
        String name = (fashion ? "fashion-mnist/" : "idx/") + part;
        return Idx.load(images, found, name, fashion ? FashionMnist.CLASS_NAMES : null);
    }

    private static Path firstExisting(Path a, Path b) {
        return Files.exists(a) ? a : Files.exists(b) ? b : null;
    }
}
