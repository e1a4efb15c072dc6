package org.jcontrast.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy files built byte by byte here, as the format specification describes them (not by the code under test). */
class NpyTest {
    @TempDir
    Path dir;

    /** A .npy file: magic, version, header length (2 bytes for 1.0, 4 otherwise), header, data. */
    private Path file(String name, int major, String header, byte[] data) throws IOException {
        byte[] h = header.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            out.write(h.length & 0xff);
            out.write(h.length >>> 8);
        } else {
            out.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(h.length).array());
        }
        out.write(h);
        out.write(data);
        Path p = dir.resolve(name);
        Files.write(p, out.toByteArray());
        return p;
    }

    private static String header(String descr, String shape) {
        return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }\n";
    }

    private static byte[] floats(ByteOrder order, float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(order);
        for (float x : v) {
            b.putFloat(x);
        }
        return b.array();
    }

    private static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(order);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    @Test
    void readsFloat32AndFloat64InEitherByteOrderAndEveryVersion() throws IOException {
        float[] v = {1.5f, -2f, 3.25f, 0f, 1e-3f, -7f};
        Tensor a = Npy.readTensor(file("a.npy", 1, header("<f4", "(2, 3)"), floats(ByteOrder.LITTLE_ENDIAN, v)));
        assertArrayEquals(new int[] {2, 3}, a.shape());
        assertArrayEquals(v, a.toArray());
        Tensor b = Npy.readTensor(file("b.npy", 2, header(">f4", "(3, 2)"), floats(ByteOrder.BIG_ENDIAN, v)));
        assertArrayEquals(new int[] {3, 2}, b.shape());
        assertArrayEquals(v, b.toArray());
        double[] dv = {0.1, -1e30, 2.5};
        Tensor c = Npy.readTensor(file("c.npy", 3, header(">f8", "(3,)"), doubles(ByteOrder.BIG_ENDIAN, dv)));
        assertArrayEquals(new int[] {3}, c.shape());
        assertArrayEquals(new float[] {0.1f, -1e30f, 2.5f}, c.toArray());
        Tensor d = Npy.readTensor(file("d.npy", 1, header("<f8", "(1, 3)"), doubles(ByteOrder.LITTLE_ENDIAN, dv)));
        assertArrayEquals(new float[] {0.1f, -1e30f, 2.5f}, d.toArray());
    }

    @Test
    void headersAsOtherWritersFormatThem() throws IOException {
        // Keys in another order, double quotes, no trailing comma, Python 2 longs, a UTF-8 version 3 header.
        byte[] data = floats(ByteOrder.LITTLE_ENDIAN, 1, 2);
        String h = "{\"shape\": (1L, 2L), \"fortran_order\": False, \"descr\": \"<f4\"}";
        assertArrayEquals(new float[] {1, 2}, Npy.readTensor(file("h.npy", 1, h, data)).toArray());
        String h3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }       \u00e9\n".replace("\u00e9", " ");
        assertArrayEquals(new float[] {1, 2}, Npy.readTensor(file("h3.npy", 3, h3, data)).toArray());
    }

    @Test
    void largeArraysAreReadInChunks() throws IOException {
        int n = 70_001;
        float[] v = new float[n];
        double[] dv = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i * 0.5f - 7;
            dv[i] = v[i];
        }
        assertArrayEquals(v, Npy.readTensor(file("big.npy", 1, header("<f4", "(" + n + ",)"),
                floats(ByteOrder.LITTLE_ENDIAN, v))).toArray());
        assertArrayEquals(v, Npy.readTensor(file("big8.npy", 1, header(">f8", "(" + n + ",)"),
                doubles(ByteOrder.BIG_ENDIAN, dv))).toArray());
    }

    @Test
    void readsIntegerLabelsOfEveryWidthAndOrder() throws IOException {
        assertArrayEquals(new int[] {-1, 2, 127}, Npy.readLabels(file("i1.npy", 1, header("|i1", "(3,)"),
                new byte[] {-1, 2, 127})));
        assertArrayEquals(new int[] {255, 0}, Npy.readLabels(file("u1.npy", 1, header("|u1", "(2,)"),
                new byte[] {-1, 0})));
        assertArrayEquals(new int[] {-2, 513}, Npy.readLabels(file("i2.npy", 1, header(">i2", "(2,)"),
                new byte[] {(byte) 0xff, (byte) 0xfe, 2, 1})));
        assertArrayEquals(new int[] {65535}, Npy.readLabels(file("u2.npy", 1, header("<u2", "(1,)"),
                new byte[] {-1, -1})));
        assertArrayEquals(new int[] {7, -3}, Npy.readLabels(file("i4.npy", 2, header("<i4", "(2,)"),
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(7).putInt(-3).array())));
        assertArrayEquals(new int[] {Integer.MAX_VALUE}, Npy.readLabels(file("u4.npy", 1, header(">u4", "(1,)"),
                new byte[] {0x7f, -1, -1, -1})));
        assertArrayEquals(new int[] {4, -5}, Npy.readLabels(file("i8.npy", 1, header(">i8", "(2, 1)"),
                ByteBuffer.allocate(16).putLong(4).putLong(-5).array())));
        assertArrayEquals(new int[] {3, 0}, Npy.readLabels(file("f8.npy", 1, header("<f8", "(2,)"),
                doubles(ByteOrder.LITTLE_ENDIAN, 3, 0))));
    }

    @Test
    void labelsThatDoNotFitAreErrors() throws IOException {
        assertProblem(file("u4big.npy", 1, header("<u4", "(2,)"), new byte[] {1, 0, 0, 0, -1, -1, -1, -1}),
                true, "label 4294967295 at index 1");
        assertProblem(file("i8big.npy", 1, header("<i8", "(1,)"),
                ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array()), true, "does not fit");
        assertProblem(file("u8big.npy", 1, header("<u8", "(1,)"),
                ByteBuffer.allocate(8).putLong(-1).array()), true, "18446744073709551615");
        assertProblem(file("frac.npy", 1, header("<f8", "(2,)"), doubles(ByteOrder.LITTLE_ENDIAN, 1, 2.5)),
                true, "label 2.5 at index 1 is not a whole number");
        assertProblem(file("lab2d.npy", 1, header("<i4", "(2, 2)"), new byte[16]), true, "must be a vector");
    }

    @Test
    void unsupportedLayoutsAndTypesAreNamed() throws IOException {
        assertProblem(file("fortran.npy", 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n",
                new byte[16]), false, "Fortran");
        assertProblem(file("object.npy", 1, header("|O", "(2,)"), new byte[16]), false, "object arrays");
        assertProblem(file("struct.npy", 1, "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, "
                + "'shape': (2,), }\n", new byte[16]), false, "structured dtypes");
        assertProblem(file("rank3.npy", 1, header("<f4", "(2, 2, 2)"), new byte[32]), false, "rank 3");
        assertProblem(file("scalar.npy", 1, header("<f4", "()"), new byte[4]), false, "rank 0");
        assertProblem(file("half.npy", 1, header("<f2", "(2,)"), new byte[4]), false, "unsupported dtype '<f2'");
        assertProblem(file("ints.npy", 1, header("<i4", "(2,)"), new byte[8]), false, "expected float32 or float64");
        assertProblem(file("huge.npy", 1, header("<f8", "(1,)"), doubles(ByteOrder.LITTLE_ENDIAN, 1e300)), false,
                "beyond the range of float32");
    }

    @Test
    void corruptAndTruncatedFilesAreNamed() throws IOException {
        byte[] good = floats(ByteOrder.LITTLE_ENDIAN, 1, 2, 3, 4);
        Path ok = file("ok.npy", 1, header("<f4", "(2, 2)"), good);
        byte[] all = Files.readAllBytes(ok);
        assertProblem(write("shortdata.npy", java.util.Arrays.copyOf(all, all.length - 3)), false,
                "truncated data: 'shape' (2, 2) of <f4 needs 16 bytes but only 13");
        assertProblem(write("shorthead.npy", java.util.Arrays.copyOf(all, 30)), false, "truncated header");
        assertProblem(write("tiny.npy", java.util.Arrays.copyOf(all, 9)), false, "header length");
        assertProblem(write("empty.npy", new byte[0]), false, "not a .npy file");
        assertProblem(write("text.npy", "hello, world".getBytes(StandardCharsets.US_ASCII)), false, "magic");
        byte[] v4 = all.clone();
        v4[6] = 4;
        assertProblem(write("v4.npy", v4), false, "version 4.0");
        byte[] trailing = java.util.Arrays.copyOf(all, all.length + 4);
        assertProblem(write("trailing.npy", trailing), false, "4 unexpected bytes");
        assertProblem(file("garbled.npy", 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2}", good),
                false, "corrupt header");
        assertProblem(file("nokeys.npy", 1, "{'descr': '<f4'}", good), false, "keys");
        assertProblem(file("notdict.npy", 1, "[1, 2]", good), false, "keys");
        assertProblem(file("badshape.npy", 1, header("<f4", "(2, -2)"), good), false, "shape");
        NoSuchFileException missing = assertThrows(NoSuchFileException.class,
                () -> Npy.readTensor(dir.resolve("missing.npy")));
        assertTrue(missing.getMessage().contains("missing.npy"), missing.getMessage());
    }

    @Test
    void shapesWhoseSizeOverflowsAreRefusedNamingTheShape() throws IOException {
        byte[] sixteen = new byte[64 * 4];
        // 4611686018427387920 × 4 × 4 bytes wraps to 256 in 64-bit arithmetic: once read as N = 16
        assertProblem(file("wraps.npy", 1, header("<f4", "(4611686018427387920, 4)"), sixteen), false, "'shape'");
        assertProblem(file("wraps.npy", 1, header("<f4", "(4611686018427387920, 4)"), sixteen), true, "'shape'");
        assertProblem(file("pow62.npy", 1, header("<f4", "(4611686018427387904, 4)"), new byte[1024]), false,
                "'shape'");
        assertProblem(file("pow32.npy", 1, header("<f4", "(4294967296, 4294967296)"), new byte[16]), false,
                "'shape'");
        assertProblem(file("wide.npy", 1, header("<f4", "(0, 4294967296)"), new byte[0]), false, "'shape'");
        assertProblem(file("billions.npy", 1, header("<i1", "(3000000000,)"), new byte[3]), true, "'shape'");
        assertProblem(file("nested.npy", 1, "(".repeat(5000) + ")".repeat(5000), new byte[0]), false,
                "corrupt header");
        assertProblem(file("arabic.npy", 1, header("<f4", "(\u0663,)"), new byte[12]), false, "corrupt header");
    }

    @Test
    void writesVersionOneFloat32WithAHeaderPaddedTo64Bytes() throws IOException {
        Tensor t = Tensor.wrap(new float[] {1, -2, 3.5f, 4, 5, 6}, 2, 3);
        Path p = dir.resolve("w.npy");
        Npy.write(p, t);
        byte[] bytes = Files.readAllBytes(p);
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
        assertEquals(128 + 24, bytes.length);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        assertEquals(1, bytes[6]);
        assertEquals(0, bytes[7]);
        assertEquals(118, (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8);
        String head = new String(bytes, 10, 118, StandardCharsets.US_ASCII);
        assertEquals(dict + " ".repeat(118 - dict.length() - 1) + "\n", head);
        assertArrayEquals(floats(ByteOrder.LITTLE_ENDIAN, 1, -2, 3.5f, 4, 5, 6),
                java.util.Arrays.copyOfRange(bytes, 128, bytes.length));
        Tensor back = Npy.readTensor(p);
        assertArrayEquals(t.shape(), back.shape());
        assertArrayEquals(t.toArray(), back.toArray());
        Npy.write(p, t.row(1));
        assertTrue(new String(Files.readAllBytes(p), 10, 118, StandardCharsets.US_ASCII).contains("'shape': (3,)"));
        assertArrayEquals(new float[] {4, 5, 6}, Npy.readTensor(p).toArray());
    }

    @Test
    void writesInt32Labels() throws IOException {
        Path p = dir.resolve("y.npy");
        Npy.writeLabels(p, new int[] {3, -1, 70000});
        byte[] bytes = Files.readAllBytes(p);
        assertEquals(128 + 12, bytes.length);
        assertTrue(new String(bytes, 10, 118, StandardCharsets.US_ASCII).startsWith(
                "{'descr': '<i4', 'fortran_order': False, 'shape': (3,), }"));
        assertEquals(70000, ByteBuffer.wrap(bytes, 136, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
        assertArrayEquals(new int[] {3, -1, 70000}, Npy.readLabels(p));
    }

    private Path write(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private static void assertProblem(Path p, boolean labels, String part) {
        FormatException e = assertThrows(FormatException.class, () -> {
            if (labels) {
                Npy.readLabels(p);
            } else {
                Npy.readTensor(p);
            }
        });
        assertTrue(e.getMessage().startsWith(p.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
    }
}
