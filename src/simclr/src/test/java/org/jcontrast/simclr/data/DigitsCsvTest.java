package org.jcontrast.simclr.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import org.jcontrast.io.FormatException;
import org.jcontrast.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigitsCsvTest {
    @TempDir
    Path dir;

    private static String line(int pixel, int label) {
        return String.join(",", Collections.nCopies(64, Integer.toString(pixel))) + "," + label;
    }

    @Test
    void readsPlainAndGzippedCsv() throws IOException {
        String text = line(16, 3) + "\r\n\n" + line(4, 0) + "\n";
        Path plain = dir.resolve("d.csv");
        Files.writeString(plain, text);
        Path gz = IdxFiles.write(dir, "d.csv.gz", IdxFiles.gzip(text.getBytes(StandardCharsets.UTF_8)));
        for (Path p : new Path[] {plain, gz}) {
            Dataset d = DigitsCsv.load(p);
            assertEquals(2, d.size());
            assertEquals(8, d.height());
            assertEquals(10, d.classes());
            assertArrayEquals(new int[] {3, 0}, d.labels());
            assertEquals(1f, d.images().get(0, 63));
            assertEquals(0.25f, d.images().get(1, 0));
        }
    }

    @Test
    void errorsNameTheFileAndLine() throws IOException {
        assertError(line(1, 2) + "\n" + line(1, 2).replaceFirst("1,", ""), "line 2", "64 pixels");
        assertError(line(17, 2), "line 1", "17 is outside 0..16");
        assertError(line(1, 10), "line 1", "the label");
        assertError(line(1, 2).replaceFirst("1", "x"), "column 1", "not an integer");
        assertError("\n\n", "", "no images");
    }

    private void assertError(String text, String where, String what) throws IOException {
        Path p = dir.resolve("bad.csv");
        Files.writeString(p, text);
        FormatException e = assertThrows(FormatException.class, () -> DigitsCsv.load(p));
        String m = e.getMessage();
        assertTrue(m.contains(p.toString()) && m.contains(where) && m.contains(what), m);
    }

    @Test
    void loadsTheSharedDigits() throws IOException {
        Path shared = SharedData.dir("the 1,797 UCI digits");
        Dataset d = DigitsCsv.load(shared.resolve("digits").resolve("digits.csv.gz"));
        assertEquals(1797, d.size());
        // First line of the file: pixels 0,0,5,13,... and label 0.
        assertEquals(5f / 16f, d.images().get(0, 2));
        assertEquals(13f / 16f, d.images().get(0, 3));
        assertEquals(0, d.label(0));
    }
}
