package org.jcontrast.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.jcontrast.tensor.Tensor;

/**
 * NumPy's .npy files: what {@code np.save} writes and {@code np.load} reads.
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0 in C order: float32 and float64 arrays of rank 1 or 2
 * (either byte order) as float32 tensors, and integer or integral float labels as {@code int[]}.
 * Writes version 1.0 files: float32 ({@code <f4}) tensors and int32 ({@code <i4}) labels, the header
 * padded with spaces to a multiple of 64 bytes as the format specifies. A file whose content is
 * wrong (truncated, corrupt, Fortran order, an unsupported dtype or rank, a value that does not
 * fit) is a {@link FormatException} whose message names the file and the problem; a missing file
 * is the JDK's {@link java.nio.file.NoSuchFileException}.
 * <p>Stateless and thread-safe; concurrent writes to the same file are the caller's to avoid.
 */
public final class Npy {
    private static final int CHUNK = 1 << 16;

    private Npy() {
    }

    /**
     * A float32 or float64 array of rank 1 or 2 as a float32 tensor of the same shape; float64
     * values are rounded to the nearest float32 (a finite value beyond float32's range is an error).
     *
     * @param file the {@code .npy} file
     * @return the array as a tensor
     * @throws IOException when the file cannot be read, or a {@link FormatException} naming the file and the field that
     *     is wrong
     */
    public static Tensor readTensor(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            NpyHeader h = NpyHeader.read(ch, file);
            if (h.kind() != 'f') {
                throw NpyHeader.problem(file, "expected float32 or float64 values, got dtype '" + h.descr() + "'");
            }
            int[] shape = matrixShape(h, file);
            float[] out = new float[(int) h.count()];
            int item = h.itemSize();
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(h.order());
            long pos = h.dataOffset();
            for (int done = 0; done < out.length; ) {
                int items = Math.min(out.length - done, CHUNK / item);
                buf.clear().limit(items * item);
                NpyHeader.readFully(ch, buf, pos, file);
                pos += (long) items * item;
                if (item == 4) {
                    buf.asFloatBuffer().get(out, done, items);
                } else {
                    narrow(buf.asDoubleBuffer(), out, done, items, file);
                }
                done += items;
            }
            return Tensor.wrap(out, shape);
        }
    }

    /**
     * Class labels: a vector (or an [n, 1] matrix) of integers of any supported width and byte
     * order, or of floats that are all whole numbers; every value must fit in an {@code int}.
     *
     * @param file the {@code .npy} file
     * @return the labels
     * @throws IOException when the file cannot be read, or a {@link FormatException} naming the file and the field that
     *     is wrong
     */
    public static int[] readLabels(Path file) throws IOException {
        try (FileChannel ch = open(file)) {
            NpyHeader h = NpyHeader.read(ch, file);
            long[] s = h.shape();
            if (!(s.length == 1 || (s.length == 2 && s[1] == 1))) {
                throw NpyHeader.problem(file, "labels must be a vector, got shape " + h.shapeString());
            }
            int n = (int) h.count();
            ByteBuffer buf = ByteBuffer.allocate(n * h.itemSize()).order(h.order());
            NpyHeader.readFully(ch, buf, h.dataOffset(), file);
            int[] labels = new int[n];
            for (int i = 0; i < n; i++) {
                labels[i] = label(h, buf, i, file);
            }
            return labels;
        }
    }

    /**
     * Writes {@code t} as a float32 {@code <f4} array of its shape (format version 1.0).
     *
     * @param file where to write; replaced if it exists
     * @param t the tensor, rank 0 to 2
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Tensor t) throws IOException {
        long[] shape = new long[t.rank()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = t.dim(i);
        }
        float[] a = t.array();
        int off = t.offset(), size = t.size();
        try (FileChannel ch = create(file)) {
            writeHeader(ch, "<f4", shape);
            ByteBuffer buf = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
            for (int done = 0; done < size; ) {
                int items = Math.min(size - done, CHUNK / 4);
                buf.clear();
                buf.asFloatBuffer().put(a, off + done, items);
                buf.limit(items * 4);
                writeFully(ch, buf);
                done += items;
            }
        }
    }

    /**
     * Writes {@code labels} as an int32 {@code <i4} vector (format version 1.0).
     *
     * @param file where to write; replaced if it exists
     * @param labels the labels
     * @throws IOException when the file cannot be written
     */
    public static void writeLabels(Path file, int[] labels) throws IOException {
        try (FileChannel ch = create(file)) {
            writeHeader(ch, "<i4", new long[] {labels.length});
            ByteBuffer buf = ByteBuffer.allocate(labels.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            buf.asIntBuffer().put(labels);
            writeFully(ch, buf);
        }
    }

    private static int[] matrixShape(NpyHeader h, Path file) throws FormatException {
        long[] s = h.shape();
        if (s.length < 1 || s.length > 2) {
            throw NpyHeader.problem(file, "expected a vector or a matrix, got an array of rank " + s.length
                    + " with shape " + h.shapeString());
        }
        int[] shape = new int[s.length];
        for (int i = 0; i < s.length; i++) {
            shape[i] = (int) s[i]; // the header check bounded the product below 2^31
        }
        return shape;
    }

    private static void narrow(DoubleBuffer src, float[] out, int at, int items, Path file) throws FormatException {
        for (int i = 0; i < items; i++) {
            double v = src.get(i);
            float f = (float) v;
            if (Float.isInfinite(f) && !Double.isInfinite(v)) {
                throw NpyHeader.problem(file, "value " + v + " at index " + (at + i)
                        + " is beyond the range of float32");
            }
            out[at + i] = f;
        }
    }

    private static int label(NpyHeader h, ByteBuffer buf, int i, Path file) throws FormatException {
        int at = i * h.itemSize();
        if (h.kind() == 'f') {
            double v = h.itemSize() == 4 ? buf.getFloat(at) : buf.getDouble(at);
            if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw NpyHeader.problem(file, "label " + v + " at index " + i + " is not a whole number that "
                        + "fits in a 32-bit int");
            }
            return (int) v;
        }
        long v = switch (h.itemSize()) {
            case 1 -> buf.get(at);
            case 2 -> buf.getShort(at);
            case 4 -> buf.getInt(at);
            default -> buf.getLong(at);
        };
        boolean unsigned = h.kind() == 'u';
        if (unsigned && h.itemSize() < 8) {
            v &= (1L << (8 * h.itemSize())) - 1; // undo the sign extension of the narrower reads
        }
        if ((unsigned && h.itemSize() == 8 && v < 0) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            String shown = unsigned && v < 0 ? Long.toUnsignedString(v) : Long.toString(v);
            throw NpyHeader.problem(file, "label " + shown + " at index " + i + " (dtype '" + h.descr()
                    + "') does not fit in a 32-bit int");
        }
        return (int) v;
    }

    /** The version 1.0 header: magic, version, length, and the dict padded so the data starts at a multiple of 64. */
    private static void writeHeader(FileChannel ch, String descr, long[] shape) throws IOException {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        StringBuilder dict = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': ("
                + dims + "), }");
        int prefix = NpyHeader.MAGIC.length + 4;
        while ((prefix + dict.length() + 1) % 64 != 0) {
            dict.append(' ');
        }
        dict.append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer head = ByteBuffer.allocate(prefix + text.length).order(ByteOrder.LITTLE_ENDIAN);
        head.put(NpyHeader.MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        head.flip();
        writeFully(ch, head);
    }

    private static void writeFully(FileChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    private static FileChannel open(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    private static FileChannel create(Path file) throws IOException {
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE);
    }
}
