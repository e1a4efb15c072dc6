package org.jcontrast.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class CheckpointTest {
    @TempDir
    Path dir;

    private static Map<String, Tensor> tensors() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("encoder.weight", Tensor.fromRows(new float[][] {{1.5f, -2}, {Float.MIN_VALUE, 3e38f}, {0, -0f}}));
        t.put("encoder.bias", Tensor.wrap(new float[] {0.25f, Float.NaN}, 2));
        t.put("optimizer.steps", Tensor.scalar(12f));
        t.put("empty", Tensor.zeros(0, 4));
        return t;
    }

    private static Map<String, String> metadata() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("epoch", "3");
        m.put("config", "{\"loss\": \"nt-xent\", \"τ\": 0.5}");
        m.put("note", "");
        return m;
    }

    private Path saved() throws IOException {
        Path file = dir.resolve("run").resolve("last.ckpt");
        new Checkpoint(metadata(), tensors()).write(file);
        return file;
    }

    @Test
    void roundTripKeepsMetadataNamesShapesAndBits() throws IOException {
        Checkpoint c = Checkpoint.read(saved());
        assertEquals(metadata(), c.metadata());
        assertEquals(3, c.getLong("epoch"));
        assertEquals(tensors().keySet().stream().toList(), c.tensors().keySet().stream().toList(), "order kept");
        for (Map.Entry<String, Tensor> e : tensors().entrySet()) {
            Tensor back = c.tensors().get(e.getKey());
            assertEquals(e.getValue().shapeString(), back.shapeString());
            int[] expected = bits(e.getValue()), actual = bits(back);
            assertArrayEquals(expected, actual, e.getKey());
        }
        assertFalse(Files.exists(dir.resolve("run").resolve("last.ckpt.tmp")), "the temporary file is renamed");
    }

    private static int[] bits(Tensor t) {
        return Arrays.stream(t.toDoubleArray()).mapToInt(d -> Float.floatToRawIntBits((float) d)).toArray();
    }

    @Test
    void theLayoutIsTheDocumentedOne() throws IOException {
        Map<String, Tensor> one = Map.of("w", Tensor.wrap(new float[] {1f, 2f}, 2));
        Path file = dir.resolve("tiny.ckpt");
        new Checkpoint(Map.of("k", "v"), one).write(file);
        ByteBuffer b = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x89, 'J', 'C', 'K', 'P', '\r', '\n', 0x1A}).putInt(1);
        b.putInt(1).putShort((short) 1).put((byte) 'k').putInt(1).put((byte) 'v');
        b.putInt(1).putShort((short) 1).put((byte) 'w').put((byte) 1).putInt(2).putFloat(1f).putFloat(2f);
        CRC32 crc = new CRC32();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        assertArrayEquals(Arrays.copyOf(b.array(), b.position()), Files.readAllBytes(file));
    }

    @Test
    void corruptFilesAreRejectedWithTheFileNamed() throws IOException {
        byte[] good = Files.readAllBytes(saved());
        expect(Arrays.copyOf(good, good.length - 7), "CRC32 mismatch");
        expect(Arrays.copyOf(good, 10), "truncated");
        expect(new byte[0], "truncated");
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        expect(flipped, "CRC32 mismatch");
        byte[] magic = good.clone();
        magic[1] = 'X';
        expect(magic, "not a jcontrast checkpoint");
        expect("hello, world, this is text".getBytes(), "not a jcontrast checkpoint");
        byte[] version = good.clone();
        version[8] = 2;
        expect(version, "version 2 is not supported");
        // A consistent CRC over an impossible tensor count: the structure checks still catch it.
        byte[] lying = good.clone();
        ByteBuffer.wrap(lying).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 1_000_000);
        expect(recrc(lying), "inconsistent");
    }

    @Test
    void wrappingSizesEmptyNamesAndMalformedTextAreRefused() throws IOException {
        // one tensor 'w' of shape [2^31 - 1, 2^31 - 1] and one value: 4 × the size wraps in 64 bits
        ByteBuffer huge = ByteBuffer.allocate(8 + 4 + 4 + 4 + 2 + 1 + 1 + 8 + 4 + 4).order(ByteOrder.LITTLE_ENDIAN);
        huge.put(Checkpoint.MAGIC).putInt(1).putInt(0).putInt(1).putShort((short) 1).put((byte) 'w').put((byte) 2)
                .putInt(Integer.MAX_VALUE).putInt(Integer.MAX_VALUE).putFloat(1f);
        expect(recrc(huge.array()), "tensor 'w' of shape [2147483647, 2147483647] needs 4611686014132420609");
        expect(recrc(entry(new byte[0], "v".getBytes())), "the metadata key is 0 bytes long, outside 1..");
        expect(recrc(entry("k".getBytes(), new byte[] {(byte) 0xC3, '('})), "metadata value of 'k' is not valid UTF-8");
    }

    /** A checkpoint holding one metadata entry of these bytes and no tensor, before its CRC. */
    private static byte[] entry(byte[] key, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(8 + 4 + 4 + 2 + key.length + 4 + value.length + 4 + 4)
                .order(ByteOrder.LITTLE_ENDIAN);
        b.put(Checkpoint.MAGIC).putInt(1).putInt(1).putShort((short) key.length).put(key).putInt(value.length)
                .put(value).putInt(0);
        return b.array();
    }

    private static byte[] recrc(byte[] bytes) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - 4);
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putInt(bytes.length - 4, (int) crc.getValue());
        return bytes;
    }

    private void expect(byte[] content, String problem) throws IOException {
        Path file = dir.resolve("bad.ckpt");
        Files.write(file, content);
        FormatException e = assertThrows(FormatException.class, () -> Checkpoint.read(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void restoreChecksNamesAndShapesBeforeCopyingAnything() throws IOException {
        Checkpoint c = Checkpoint.read(saved());
        Map<String, Tensor> live = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : tensors().entrySet()) {
            live.put(e.getKey(), Tensor.zeros(e.getValue().shape()));
        }
        c.restoreInto(live);
        assertEquals(-2f, live.get("encoder.weight").get(0, 1));
        assertEquals(12f, live.get("optimizer.steps").item());

        Map<String, Tensor> wrongShape = new LinkedHashMap<>(live);
        wrongShape.put("encoder.weight", Tensor.zeros(2, 3));
        Tensor bias = Tensor.zeros(2);
        wrongShape.put("encoder.bias", bias);
        restoreFails(c, wrongShape, "has shape [3, 2] but the model expects [2, 3]");
        assertEquals(0f, bias.get(0), "nothing is copied when a check fails");

        Map<String, Tensor> missing = new LinkedHashMap<>(live);
        missing.put("head.weight", Tensor.zeros(1));
        restoreFails(c, missing, "has no tensor 'head.weight'");
        Map<String, Tensor> fewer = new LinkedHashMap<>(live);
        fewer.remove("empty");
        restoreFails(c, fewer, "does not have: [empty]");
        assertThrows(FormatException.class, () -> c.get("seed"));
        assertThrows(FormatException.class, () -> c.getLong("config"));
    }

    private static void restoreFails(Checkpoint c, Map<String, Tensor> targets, String problem) {
        Executable call = () -> c.restoreInto(targets);
        FormatException e = assertThrows(FormatException.class, call);
        assertTrue(e.getMessage().contains("bad.ckpt") || e.getMessage().contains("last.ckpt"), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void badNamesAreRefusedOnWrite() {
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(Map.of(), Map.of("", Tensor.zeros(1))).write(dir.resolve("x.ckpt")));
        assertThrows(IllegalArgumentException.class,
                () -> new Checkpoint(Map.of("k".repeat(70_000), "v"), Map.of()).write(dir.resolve("x.ckpt")));
    }
}
