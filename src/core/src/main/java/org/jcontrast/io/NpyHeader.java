package org.jcontrast.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The header of a .npy file (format versions 1.0, 2.0 and 3.0), checked against the file's size.
 *
 * @param kind the dtype's kind: {@code 'f'} (float), {@code 'i'} (signed) or {@code 'u'} (unsigned integer)
 * @param itemSize bytes per value
 * @param order the byte order of multi-byte values
 * @param descr the dtype as written, e.g. {@code <f4}
 * @param shape the array's shape (C order)
 * @param dataOffset where the values start
 */
record NpyHeader(char kind, int itemSize, ByteOrder order, String descr, long[] shape, long dataOffset) {
    static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** numpy itself refuses headers above 10,000 bytes by default; this leaves room and stops garbage early. */
    private static final long MAX_HEADER = 1 << 20;

    /** Number of values: the product of the shape (the header check bounded it below 2^31). */
    long count() {
        long c = 1;
        for (long d : shape) {
            c *= d;
        }
        return c;
    }

    /**
     * The bytes the shape's values take, or -1 when that does not fit in a long: a zero dimension
     * makes the product 0 whatever the others are, so only the exact product can be trusted.
     */
    private long exactBytes() {
        long bytes = itemSize;
        for (long d : shape) {
            if (d == 0) {
                return 0;
            }
        }
        try {
            for (long d : shape) {
                bytes = Math.multiplyExact(bytes, d);
            }
            return bytes;
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    /** The shape as numpy prints it, e.g. {@code (3, 4)}. */
    String shapeString() {
        return tuple(Arrays.stream(shape).boxed().toList());
    }

    /** Reads and checks the header of {@code file} from {@code ch}. */
    static NpyHeader read(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        ByteBuffer pre = ByteBuffer.allocate((int) Math.min(12, size)).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, pre, 0, file);
        if (size < 8 || !Arrays.equals(Arrays.copyOf(pre.array(), 6), MAGIC)) {
            throw problem(file, "not a .npy file (it does not start with the \\x93NUMPY magic)");
        }
        int major = pre.get(6) & 0xff, minor = pre.get(7) & 0xff;
        if (major < 1 || major > 3 || minor != 0) {
            throw problem(file, "unsupported .npy format version " + major + "." + minor
                    + " (jcontrast reads 1.0, 2.0 and 3.0)");
        }
        int prefix = major == 1 ? 10 : 12;
        if (size < prefix) {
            throw problem(file, "truncated: the file ends inside the header length field");
        }
        long headerLength = major == 1 ? pre.getShort(8) & 0xffff : pre.getInt(8) & 0xffffffffL;
        if (headerLength > MAX_HEADER) {
            throw problem(file, "corrupt header: it claims to be " + headerLength + " bytes long");
        }
        if (prefix + headerLength > size) {
            throw problem(file, "truncated header: it declares " + headerLength + " bytes but only "
                    + (size - prefix) + " follow");
        }
        ByteBuffer hb = ByteBuffer.allocate((int) headerLength);
        readFully(ch, hb, prefix, file);
        String text = new String(hb.array(), major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = parse(text, prefix + headerLength, file);
        long bytes = h.exactBytes();
        long available = size - h.dataOffset;
        if (bytes < 0) {
            throw problem(file, "corrupt header: 'shape' " + h.shapeString() + " of " + h.descr
                    + " needs more than 2^63 bytes; the file has " + available + " after the header");
        }
        if (bytes / h.itemSize > Integer.MAX_VALUE - 8) {
            throw problem(file, "'shape' " + h.shapeString() + " has more than 2^31 values, more than one "
                    + "array can hold");
        }
        if (available < bytes) {
            throw problem(file, "truncated data: 'shape' " + h.shapeString() + " of " + h.descr
                    + " needs " + bytes + " bytes but only " + available + " follow the header");
        }
        if (available > bytes) {
            throw problem(file, (available - bytes) + " unexpected bytes after the " + bytes
                    + " bytes of 'shape' " + h.shapeString() + " of " + h.descr);
        }
        return h;
    }

    private static NpyHeader parse(String text, long dataOffset, Path file) throws FormatException {
        Object literal;
        try {
            literal = PyLiteral.parse(text);
        } catch (IllegalArgumentException e) {
            throw problem(file, "corrupt header (" + e.getMessage() + "): " + quote(text));
        }
        if (!(literal instanceof Map<?, ?> dict) || !dict.keySet().equals(Set.of("descr", "fortran_order", "shape"))) {
            throw problem(file, "corrupt header: expected a dict with the keys 'descr', "
                    + "'fortran_order' and 'shape', got " + quote(text));
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw problem(file, "corrupt header: 'fortran_order' is not True or False");
        }
        if (fortran) {
            throw problem(file, "the array is in Fortran (column-major) order; save it in C order, "
                    + "e.g. np.save(path, np.ascontiguousarray(a))");
        }
        if (!(dict.get("shape") instanceof List<?> dims)) {
            throw problem(file, "corrupt header: 'shape' is not a tuple");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw problem(file, "corrupt header: 'shape' " + tuple(dims) + " is not a tuple of sizes");
            }
            if (d > Integer.MAX_VALUE - 8) {
                throw problem(file, "corrupt header: 'shape' " + tuple(dims) + " has a dimension of " + d
                        + ", more than one array can hold");
            }
            shape[i] = d;
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String dt)) {
            throw problem(file, "structured dtypes (records with named fields) are not supported; "
                    + "save a plain numeric array");
        }
        return dtype(dt, shape, dataOffset, file);
    }

    private static NpyHeader dtype(String dt, long[] shape, long dataOffset, Path file) throws FormatException {
        if (dt.length() >= 2 && dt.charAt(1) == 'O') {
            throw problem(file, "object arrays (dtype '" + dt + "') are not supported; "
                    + "save a numeric array");
        }
        if (dt.length() < 3) {
            throw problem(file, "unsupported dtype '" + dt + "'");
        }
        char endian = dt.charAt(0), kind = dt.charAt(1);
        int size;
        try {
            size = Integer.parseInt(dt.substring(2));
        } catch (NumberFormatException e) {
            size = -1;
        }
        boolean known = switch (kind) {
            case 'f' -> size == 4 || size == 8;
            case 'i', 'u' -> size == 1 || size == 2 || size == 4 || size == 8;
            default -> false;
        };
        if (!known || "<>|=".indexOf(endian) < 0 || (endian == '|' && size != 1)) {
            throw problem(file, "unsupported dtype '" + dt + "' (jcontrast reads float32 and float64 "
                    + "arrays, and integer labels of 1 to 8 bytes)");
        }
        ByteOrder order = switch (endian) {
            case '>' -> ByteOrder.BIG_ENDIAN;
            case '=' -> ByteOrder.nativeOrder();
            default -> ByteOrder.LITTLE_ENDIAN;
        };
        return new NpyHeader(kind, size, order, dt, shape, dataOffset);
    }

    /** The error for a file whose content is wrong. */
    static FormatException problem(Path file, String what) {
        return new FormatException(file.toString(), what);
    }

    /** Fills {@code buf} from {@code ch} at {@code pos}, or fails naming the file. */
    static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path file) throws IOException {
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) {
                throw new EOFException(file + ": the file ended early (was it changed while being read?)");
            }
            pos += r;
        }
        buf.flip();
    }

    /** A parsed tuple as Python prints it, e.g. {@code (3, 4)}. */
    private static String tuple(List<?> items) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < items.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(items.get(i));
        }
        return sb.append(items.size() == 1 ? ",)" : ")").toString();
    }

    private static String quote(String text) {
        String t = text.strip();
        return "\"" + (t.length() > 120 ? t.substring(0, 120) + "..." : t) + "\"";
    }
}
