package org.jcontrast.simclr.data;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import org.jcontrast.io.FormatException;
import org.jcontrast.simclr.data.Streams;
import org.jcontrast.tensor.Tensor;

/**
 * Reader for the IDX files of MNIST and Fashion-MNIST, gzipped or not (told apart by their first
 * bytes). An IDX file is a big-endian int32 magic number ({@code 0x00000803} for a rank-3 array of
 * unsigned bytes, the images; {@code 0x00000801} for rank 1, the labels), one big-endian int32 per
 * dimension, then the bytes in row-major order, and nothing after them.
 * <p>Stateless and thread-safe.
 */
public final class Idx {
    static final int IMAGES_MAGIC = 0x00000803;
    static final int LABELS_MAGIC = 0x00000801;
    /** Classes of IDX data without class names: MNIST's digits. */
    private static final int DIGITS = 10;

    private Idx() {
    }

    /** Raw images: {@code count} images of {@code rows × cols} unsigned bytes. */
    record Images(int count, int rows, int cols, byte[] pixels) {
    }

    /**
     * Loads an images file and its labels file. Classes are named by {@code classNames}, or are
     * MNIST's ten digits 0..9 when it is null (as in the digits CSV); a label outside them is an error.
     *
     * @param images the images file (magic 0x00000803)
     * @param labels the labels file (magic 0x00000801)
     * @param name the dataset's name
     * @param classNames the class names, index = label, or null to number them 0..max label
     * @throws FormatException naming the file if either is not a valid IDX file of its kind, or
     *         they disagree on the number of samples
     * @return the dataset
     */
    public static Dataset load(Path images, Path labels, String name, List<String> classNames) throws IOException {
        try (InputStream im = open(images); InputStream lb = open(labels)) {
            return read(im, images.toString(), lb, labels.toString(), name, classNames);
        }
    }

    /**
     * As {@link #load} from two streams; {@code imagesSource} and {@code labelsSource} name them in errors.
     *
     * @param images the images file's contents
     * @param imagesSource names the images stream in error messages
     * @param labels the labels file's contents
     * @param labelsSource names the labels stream in error messages
     * @param name the dataset's name
     * @param classNames the class names, index = label, or null to number them 0..max label
     * @return the dataset
     * @throws IOException when a stream cannot be read, or a {@link FormatException} naming the source and the problem
     */
    public static Dataset read(InputStream images, String imagesSource, InputStream labels, String labelsSource,
                               String name, List<String> classNames) throws IOException {
        Images im = readImages(Streams.maybeGunzip(images, imagesSource), imagesSource);
        byte[] lb = readLabels(Streams.maybeGunzip(labels, labelsSource), labelsSource);
        if (lb.length != im.count()) {
            throw new FormatException(labelsSource, "has " + lb.length + " labels but " + imagesSource + " has "
                    + im.count() + " images");
        }
        List<String> names = classNames != null ? classNames : Dataset.numberedClasses(DIGITS);
        int[] labelValues = new int[lb.length];
        for (int i = 0; i < lb.length; i++) {
            labelValues[i] = lb[i] & 0xFF;
            if (labelValues[i] >= names.size()) {
                throw new FormatException(labelsSource, "label " + labelValues[i] + " of image " + i + " is outside "
                        + "0.." + (names.size() - 1) + ", the " + names.size() + " classes of " + name);
            }
        }
        return new Dataset(name, toUnitFloats(im.pixels(), im.count(), im.rows() * im.cols()), labelValues, im.rows(),
                im.cols(), names);
    }

    private static InputStream open(Path file) throws IOException {
        try {
            return Files.newInputStream(file);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(file.toString(), null, "no such file");
        }
    }

    static Images readImages(InputStream in, String source) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int[] dims = header(d, source, IMAGES_MAGIC, 3, "images");
        long perImage = (long) dims[1] * dims[2]; // two positive ints: no overflow
        if (perImage > (Integer.MAX_VALUE - 8) / dims[0]) {
            throw new FormatException(source, "the header's dimensions " + dims[0] + " × " + dims[1] + " × " + dims[2]
                    + " make more pixels than one array can hold");
        }
        long total = dims[0] * perImage;
        byte[] pixels = payload(d, source, (int) total, dims[0] + " images of " + dims[1] + "×" + dims[2]);
        return new Images(dims[0], dims[1], dims[2], pixels);
    }

    static byte[] readLabels(InputStream in, String source) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int[] dims = header(d, source, LABELS_MAGIC, 1, "labels");
        return payload(d, source, dims[0], dims[0] + " labels");
    }

    private static int[] header(DataInputStream d, String source, int magic, int rank, String kind)
            throws IOException {
        try {
            int found = d.readInt();
            if (found != magic) {
                throw new FormatException(source, String.format(
                        "not an IDX %s file: magic number 0x%08x, expected 0x%08x", kind, found, magic));
            }
            int[] dims = new int[rank];
            for (int i = 0; i < rank; i++) {
                dims[i] = d.readInt();
                if (dims[i] < 1) {
                    throw new FormatException(source, "dimension " + i + " is " + dims[i] + ", must be positive");
                }
            }
            return dims;
        } catch (EOFException e) {
            throw new FormatException(source, "truncated: the IDX header is incomplete", e);
        }
    }

    private static byte[] payload(DataInputStream d, String source, int length, String what) throws IOException {
        byte[] data = d.readNBytes(length);
        if (data.length < length) {
            throw new FormatException(source, "truncated: the header announces " + what + " (" + length
                    + " bytes) but only " + data.length + " follow");
        }
        if (d.read() != -1) {
            throw new FormatException(source, "has bytes after the " + what + " its header announces");
        }
        return data;
    }

    /** Unsigned bytes 0..255 to floats 0..1, one row per sample. */
    private static Tensor toUnitFloats(byte[] pixels, int count, int perImage) {
        float[] out = new float[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            out[i] = (pixels[i] & 0xFF) / 255f;
        }
        return Tensor.wrap(out, count, perImage);
    }
}
