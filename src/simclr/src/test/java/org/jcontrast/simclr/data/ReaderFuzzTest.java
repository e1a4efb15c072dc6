package org.jcontrast.simclr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.jcontrast.testing.ReaderFuzzer;
import org.junit.jupiter.api.Test;

/**
 * The IDX and digits CSV readers fuzzed ({@link ReaderFuzzer}), plain and gzipped: what they read
 * must be what a decoder written here from the formats' descriptions reads.
 */
class ReaderFuzzTest {
    private static final int INPUTS = 2000;

    @Test
    void idxImagesAreReadAsTheFormatSaysOrRefused() {
        check(new ReaderFuzzer("idx-images", 8, (input, source) -> checkImages(input,
                Idx.readImages(Streams.maybeGunzip(new ByteArrayInputStream(input), source), source))).run(5, INPUTS));
    }

    @Test
    void gzippedIdxImagesAreReadAsTheFormatSaysOrRefused() {
        check(new ReaderFuzzer("idx-images", 8, (input, source) -> checkImages(input,
                Idx.readImages(Streams.maybeGunzip(new ByteArrayInputStream(IdxFiles.gzip(input)), source), source)))
                .run(6, INPUTS));
    }

    @Test
    void idxLabelsAreReadAsTheFormatSaysOrRefused() {
        check(new ReaderFuzzer("idx-labels", 8, (input, source) -> {
            byte[] labels = Idx.readLabels(Streams.maybeGunzip(new ByteArrayInputStream(input), source), source);
            ByteBuffer b = ByteBuffer.wrap(plain(input));
            assertEquals(Idx.LABELS_MAGIC, b.getInt());
            assertEquals(b.getInt(), labels.length);
            assertArrayEquals(Arrays.copyOfRange(b.array(), 8, b.capacity()), labels);
        }).run(7, INPUTS));
    }

    @Test
    void digitsCsvIsReadAsTheFormatSaysOrRefused() {
        check(new ReaderFuzzer("digits-csv", 64, (input, source) -> {
            Dataset d = DigitsCsv.read(new ByteArrayInputStream(input), source);
            List<String> lines = new String(plain(input), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank())
                    .toList();
            assertEquals(lines.size(), d.size(), "images");
            for (int i = 0; i < lines.size(); i++) {
                String[] cells = lines.get(i).split(",", -1);
                assertEquals(65, cells.length);
                float[] pixels = new float[64];
                for (int p = 0; p < 64; p++) {
                    pixels[p] = count(cells[p], 16) / 16f;
                }
                assertArrayEquals(pixels, d.image(i).toArray(), "line " + i);
                assertEquals(count(cells[64], 9), d.label(i), "label of line " + i);
            }
        }).run(8, INPUTS));
    }

    private static void check(ReaderFuzzer.Tally tally) {
        assertTrue(tally.both(), tally.toString());
    }

    private static void checkImages(byte[] input, Idx.Images im) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(plain(input));
        assertEquals(Idx.IMAGES_MAGIC, b.getInt());
        assertArrayEquals(new int[] {b.getInt(), b.getInt(), b.getInt()}, new int[] {im.count(), im.rows(), im.cols()});
        assertArrayEquals(Arrays.copyOfRange(b.array(), 16, b.capacity()), im.pixels());
    }

    /** A count 0..max written in ASCII digits, with an optional sign. */
    private static int count(String cell, int max) {
        String t = cell.strip();
        assertTrue(t.matches("[+-]?[0-9]+"), "'" + cell + "' is not an integer");
        BigInteger v = new BigInteger(t);
        assertTrue(v.signum() >= 0 && v.compareTo(BigInteger.valueOf(max)) <= 0, cell);
        return v.intValue();
    }

    private static byte[] plain(byte[] input) throws IOException {
        boolean gzipped = input.length > 1 && (input[0] & 0xff) == 0x1f && (input[1] & 0xff) == 0x8b;
        return gzipped ? new GZIPInputStream(new ByteArrayInputStream(input)).readAllBytes() : input;
    }
}
