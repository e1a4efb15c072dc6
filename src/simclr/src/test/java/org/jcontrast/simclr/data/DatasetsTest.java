package org.jcontrast.simclr.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jcontrast.io.FormatException;
import org.jcontrast.io.Npy;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetsTest {
    @TempDir
    Path dir;

    private void writePair(Path folder, String part, int count) throws IOException {
        Files.createDirectories(folder);
        IdxFiles.write(folder, part + "-images-idx3-ubyte.gz",
                IdxFiles.gzip(IdxFiles.idx(new int[] {0x803, count, 2, 2}, new byte[count * 4])));
        IdxFiles.write(folder, part + "-labels-idx1-ubyte", IdxFiles.idx(new int[] {0x801, count}, new byte[count]));
    }

    @Test
    void choosesTheReaderFromThePath() throws IOException {
        Path fashion = dir.resolve("fashion");
        writePair(fashion, "t10k", 3);
        Dataset d = Datasets.fromPath(fashion);
        assertEquals("fashion-mnist/t10k", d.name());
        assertEquals(10, d.classes(), "a path with 'fashion' gets the Fashion-MNIST classes");
        writePair(fashion, "train", 5);
        assertEquals(5, Datasets.fromPath(fashion).size(), "the train part wins when both are there");
        Path plain = dir.resolve("plain");
        writePair(plain, "t10k", 2);
        Dataset byFile = Datasets.fromPath(plain.resolve("t10k-images-idx3-ubyte.gz"));
        assertEquals("idx/t10k", byFile.name());
        assertEquals(10, byFile.classes(), "other IDX data has MNIST's ten digit classes, as the digits CSV");
        Path csv = dir.resolve("x.csv");
        Files.writeString(csv, "0,".repeat(64) + "5\n");
        assertEquals(1, Datasets.fromPath(csv).size());
    }

    @Test
    void unknownOrMissingPathsSaySo() throws IOException {
        Path txt = Files.writeString(dir.resolve("notes.txt"), "hello");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Datasets.fromPath(txt));
        assertTrue(e.getMessage().contains("notes.txt") && e.getMessage().contains("unknown data format"));
        assertThrows(NoSuchFileException.class, () -> Datasets.fromPath(dir.resolve("missing")));
        assertThrows(NoSuchFileException.class, () -> Datasets.fromPath(dir));
        Path lonely = dir.resolve("lonely");
        Files.createDirectories(lonely);
        IdxFiles.write(lonely, "t10k-images-idx3-ubyte", IdxFiles.idx(new int[] {0x803, 1, 1, 1}, new byte[1]));
        NoSuchFileException m = assertThrows(NoSuchFileException.class, () -> Datasets.fromPath(lonely));
        assertTrue(m.getMessage().contains("labels"), m.getMessage());
    }

    @Test
    void readsNpyImagesWithTheirLabels() throws IOException {
        Path images = dir.resolve("faces.npy");
        Npy.write(images, Tensor.wrap(new float[] {0f, 0.25f, 0.5f, 1f, 1f, 0.5f, 0.25f, 0f, 0f, 0f, 0f, 0f}, 3, 4));
        Npy.writeLabels(dir.resolve("faces.labels.npy"), new int[] {2, 0, 1});
        Dataset d = Datasets.fromPath(images);
        assertEquals("npy/faces", d.name());
        assertEquals(3, d.size());
        assertEquals(2, d.height());
        assertEquals(2, d.width());
        assertEquals(3, d.classes());
        assertEquals(2, d.label(0));
        assertEquals(0.25f, d.image(0).get(1));
        Files.delete(dir.resolve("faces.labels.npy"));
        NoSuchFileException none = assertThrows(NoSuchFileException.class, () -> Datasets.fromPath(images));
        assertTrue(none.getMessage().contains("faces.labels.npy"), none.getMessage());
        Npy.writeLabels(dir.resolve("labels.npy"), new int[] {1, 1, 0});
        assertEquals(1, Datasets.fromPath(images).label(0), "labels.npy in the same folder is the fallback");
        Path oblong = dir.resolve("oblong.npy");
        Npy.write(oblong, Tensor.zeros(3, 3));
        Npy.writeLabels(dir.resolve("oblong.labels.npy"), new int[] {0, 0, 0});
        FormatException e = assertThrows(FormatException.class, () -> Datasets.fromPath(oblong));
        assertTrue(e.getMessage().contains("oblong.npy") && e.getMessage().contains("[3, 3]"), e.getMessage());
        Npy.write(oblong, Tensor.wrap(new float[] {0f, 2f, 0f, 0f}, 1, 4));
        Npy.writeLabels(dir.resolve("oblong.labels.npy"), new int[] {0});
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class, () -> Datasets.fromPath(oblong));
        assertTrue(range.getMessage().contains("[0, 1]"), range.getMessage());
        Npy.writeLabels(dir.resolve("labels.npy"), new int[] {1, Integer.MAX_VALUE, 0});
        FormatException huge = assertThrows(FormatException.class, () -> Datasets.fromPath(images));
        assertTrue(huge.getMessage().contains("labels.npy") && huge.getMessage().contains("label 2147483647 at index 1"),
                huge.getMessage());
    }
}
