package org.jcontrast.simclr.data;

import static org.jcontrast.simclr.data.IdxFiles.gzip;
import static org.jcontrast.simclr.data.IdxFiles.idx;
import static org.jcontrast.simclr.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.jcontrast.io.FormatException;
import org.jcontrast.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class IdxTest {
    @TempDir
    Path dir;

    /** Two 2×3 images with pixels 0, 51, 102, ... and labels 1, 0. */
    private static final byte[] PIXELS = {0, 51, 102, (byte) 153, (byte) 204, (byte) 255, 0, 0, 0, 0, 0, (byte) 255};

    private byte[] images() {
        return idx(new int[] {0x803, 2, 2, 3}, PIXELS);
    }

    private byte[] labels(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return idx(new int[] {0x801, values.length}, b);
    }

    @Test
    void readsPlainAndGzippedFilesAlike() throws IOException {
        Path im = write(dir, "a-images", images());
        Path lb = write(dir, "a-labels", labels(1, 0));
        Path imGz = write(dir, "b-images", gzip(images()));
        Path lbGz = write(dir, "b-labels", gzip(labels(1, 0)));
        Dataset plain = Idx.load(im, lb, "plain", null);
        Dataset gz = Idx.load(imGz, lbGz, "gz", null);
        assertEquals(2, plain.size());
        assertEquals(2, plain.height());
        assertEquals(3, plain.width());
        assertEquals(10, plain.classes(), "unnamed classes are MNIST's ten digits");
        assertArrayEquals(new int[] {1, 0}, plain.labels());
        assertArrayEquals(new float[] {0f, 0.2f, 0.4f, 0.6f, 0.8f, 1f}, plain.image(0).toArray(), 1e-7f);
        assertEquals(1f, plain.images().get(1, 5), "255 maps to exactly 1");
        assertArrayEquals(plain.images().toArray(), gz.images().toArray());
        assertArrayEquals(plain.labels(), gz.labels());
    }

    @Test
    void wrongMagicNamesTheFileAndBothNumbers() throws IOException {
        Path im = write(dir, "images", images());
        Path lb = write(dir, "labels", labels(1, 0));
        FormatException e = assertThrows(FormatException.class, () -> Idx.load(lb, im, "swapped", null));
        assertTrue(e.getMessage().contains(lb.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("0x00000801") && e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void truncatedExtraAndMismatchedFilesAreRejected() throws IOException {
        Path lb = write(dir, "labels", labels(1, 0));
        byte[] full = images();
        Path shortIm = write(dir, "short", Arrays.copyOf(full, full.length - 1));
        assertMessage(() -> Idx.load(shortIm, lb, "x", null), "short", "truncated");
        Path header = write(dir, "header", Arrays.copyOf(full, 10));
        assertMessage(() -> Idx.load(header, lb, "x", null), "header", "header is incomplete");
        Path longIm = write(dir, "long", Arrays.copyOf(full, full.length + 3));
        assertMessage(() -> Idx.load(longIm, lb, "x", null), "long", "bytes after");
        Path im = write(dir, "images", full);
        Path threeLabels = write(dir, "three", labels(1, 0, 1));
        assertMessage(() -> Idx.load(im, threeLabels, "x", null), "three", "3 labels");
        Path zeroDim = write(dir, "zero", idx(new int[] {0x803, 2, 0, 3}, new byte[0]));
        assertMessage(() -> Idx.load(zeroDim, lb, "x", null), "zero", "must be positive");
        byte[] gz = gzip(full);
        Path cutGz = write(dir, "cut.gz", Arrays.copyOf(gz, gz.length - 12));
        assertMessage(() -> Idx.load(cutGz, lb, "x", null), "cut.gz", "");
    }

    @Test
    void labelsBeyondTheNamedClassesAreRejected() throws IOException {
        Path im = write(dir, "images", images());
        Path lb = write(dir, "labels", labels(1, 7));
        assertMessage(() -> Idx.load(im, lb, "x", Dataset.numberedClasses(3)), "labels", "label 7 of image 1");
        Path far = write(dir, "far", labels(1, 200));
        assertMessage(() -> Idx.load(im, far, "x", null), "far", "label 200 of image 1 is outside 0..9");
    }

    private static void assertMessage(Executable call, String file, String what) {
        FormatException e = assertThrows(FormatException.class, call);
        assertTrue(e.getMessage().contains(file) && e.getMessage().contains(what), e.getMessage());
    }

    @Test
    void loadsTheFullFashionMnistTrainingSet() throws IOException {
        Path shared = SharedData.dir("the full 60,000-image Fashion-MNIST training set");
        Dataset train = FashionMnist.load(shared.resolve("fashion-mnist"), "train");
        assertEquals(60_000, train.size());
        assertEquals(28, train.height());
        assertEquals(28, train.width());
        assertEquals(10, train.classes());
        for (int count : train.classCounts()) {
            assertEquals(6_000, count);
        }
        // First labels and the first image's byte sum, read off the file with zcat | od.
        assertArrayEquals(new int[] {9, 0, 0, 3, 0}, Arrays.copyOf(train.labels(), 5));
        double sum = 0;
        for (float v : train.image(0).toArray()) {
            sum += v * 255.0;
        }
        assertEquals(76_247, sum, 1e-2);
        assertEquals("Ankle boot", train.classNames().get(train.label(0)));
    }
}
