package org.jcontrast.simclr.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Fashion-MNIST (Xiao, Rasul &amp; Vollgraf 2017, arXiv:1708.07747; MIT licence, © 2017 Zalando SE):
 * 28×28 grayscale images of 10 kinds of clothing, 60,000 for training ({@code train}) and 10,000
 * for testing ({@code t10k}), in the IDX files of MNIST.
 * <p>Stateless and thread-safe.
 */
public final class FashionMnist {
    /** The class names, index = label. */
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");

    private FashionMnist() {
    }

    /**
     * The file name of the images of {@code part} ("train" or "t10k").
     *
     * @param part {@code train} or {@code t10k}
     * @return the file name
     */
    public static String imagesFile(String part) {
        return part + "-images-idx3-ubyte.gz";
    }

    /**
     * The file name of the labels of {@code part} ("train" or "t10k").
     *
     * @param part {@code train} or {@code t10k}
     * @return the file name
     */
    public static String labelsFile(String part) {
        return part + "-labels-idx1-ubyte.gz";
    }

    /**
     * Loads part {@code part} ("train" or "t10k") from a folder holding the original files
     * ({@code train-images-idx3-ubyte.gz} etc., also accepted without the {@code .gz}).
     *
     * @param folder the folder holding the files
     * @param part {@code train} or {@code t10k}
     * @return the part's images and labels
     * @throws IOException when a file cannot be read, or a {@link org.jcontrast.io.FormatException} naming the file and the problem
     */
    public static Dataset load(Path folder, String part) throws IOException {
        return Idx.load(existing(folder, imagesFile(part)), existing(folder, labelsFile(part)),
                "fashion-mnist/" + part, CLASS_NAMES);
    }

    /**
     * Reads a part from two streams of IDX data (gzipped or not), e.g. resources.
     *
     * @param images the images file's contents
     * @param imagesSource names the images stream in error messages
     * @param labels the labels file's contents
     * @param labelsSource names the labels stream in error messages
     * @param part {@code train} or {@code t10k}
     * @return the part's images and labels
     * @throws IOException when a stream cannot be read, or a {@link org.jcontrast.io.FormatException} naming the source and the problem
     */
    public static Dataset read(InputStream images, String imagesSource, InputStream labels, String labelsSource,
                               String part) throws IOException {
        return Idx.read(images, imagesSource, labels, labelsSource, "fashion-mnist/" + part, CLASS_NAMES);
    }

    /** {@code folder/name}, or the same without {@code .gz} when only that one exists. */
    private static Path existing(Path folder, String gzName) {
        Path gz = folder.resolve(gzName);
        Path plain = folder.resolve(gzName.substring(0, gzName.length() - ".gz".length()));
        return !Files.exists(gz) && Files.exists(plain) ? plain : gz;
    }
}
