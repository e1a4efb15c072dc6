package org.jcontrast.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.ReaderFuzzer;
import org.junit.jupiter.api.Test;

/**
 * The .npy reader fuzzed ({@link ReaderFuzzer}): every mutant of the corpus (numpy's own files of
 * every dtype, byte order, rank and format version, and the shapes that once overflowed) is read
 * as a decoder written here from the format specification reads it, or refused naming the file.
 */
class NpyFuzzTest {
    private static final int INPUTS = 1500;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([<>|=])([fiu])(\\d+)['\"]");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^()]*)\\)");

    /** What the specification says an input holds; null where the header is beyond this simple decoder. */
    private record Expected(long[] shape, ByteBuffer data, char kind, int size) {
        static Expected of(byte[] in) {
            ByteBuffer b = ByteBuffer.wrap(in).order(ByteOrder.LITTLE_ENDIAN);
            int major = in[6];
            int prefix = major == 1 ? 10 : 12;
            long length = major == 1 ? b.getShort(8) & 0xffff : b.getInt(8) & 0xffffffffL;
            String text = new String(in, prefix, (int) length,
                    major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
            Matcher d = DESCR.matcher(text), s = SHAPE.matcher(text);
            if (!d.find() || !s.find()) {
                return null;
            }
            List<Long> dims = new ArrayList<>();
            BigInteger count = BigInteger.ONE;
            for (String dim : s.group(1).split(",")) {
                String t = dim.strip().replaceAll("[Ll]$", "");
                if (!t.isEmpty()) {
                    dims.add(Long.parseLong(t));
                    count = count.multiply(BigInteger.valueOf(dims.getLast()));
                }
            }
            int size = Integer.parseInt(d.group(3));
            long dataBytes = in.length - prefix - length;
            assertEquals(BigInteger.valueOf(dataBytes), count.multiply(BigInteger.valueOf(size)),
                    "a file was read whose data is not its shape's size");
            ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
            ByteBuffer data = ByteBuffer.wrap(in, (int) (prefix + length), (int) dataBytes).slice().order(order);
            return new Expected(dims.stream().mapToLong(Long::longValue).toArray(), data, d.group(2).charAt(0), size);
        }

        double value(int i) {
            int at = i * size;
            if (kind == 'f') {
                return size == 4 ? data.getFloat(at) : data.getDouble(at);
            }
            long v = switch (size) {
                case 1 -> data.get(at);
                case 2 -> data.getShort(at);
                case 4 -> data.getInt(at);
                default -> data.getLong(at);
            };
            return kind == 'u' && size < 8 ? v & ((1L << (8 * size)) - 1) : v;
        }
    }

    @Test
    void tensorsAreReadAsTheSpecificationSaysOrRefusedNamingTheFile() {
        ReaderFuzzer.Tally tally = new ReaderFuzzer("npy", 8, (input, source) -> {
            Tensor t = Npy.readTensor(write(input, source));
            Expected e = Expected.of(input);
            if (e != null) {
                assertArrayEquals(e.shape, java.util.Arrays.stream(t.shape()).asLongStream().toArray(), "shape");
                for (int i = 0; i < t.size(); i++) {
                    float expected = (float) e.value(i);
                    assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(t.array()[t.offset() + i]),
                            "value " + i);
                }
            }
        }).run(1, INPUTS);
        assertTrue(tally.both(), tally.toString());
    }

    @Test
    void labelsAreReadAsTheSpecificationSaysOrRefusedNamingTheFile() {
        ReaderFuzzer.Tally tally = new ReaderFuzzer("npy", 16, (input, source) -> {
            int[] labels = Npy.readLabels(write(input, source));
            Expected e = Expected.of(input);
            if (e != null) {
                assertEquals(labels.length, e.data.capacity() / e.size, "count");
                for (int i = 0; i < labels.length; i++) {
                    assertEquals(e.value(i), labels[i], "label " + i);
                }
            }
        }).run(2, INPUTS);
        assertTrue(tally.both(), tally.toString());
    }

    private static Path write(byte[] input, String source) throws IOException {
        Path p = Path.of(source);
        Files.write(p, input);
        return p;
    }
}
