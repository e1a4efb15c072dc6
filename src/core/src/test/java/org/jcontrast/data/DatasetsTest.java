package org.jcontrast.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
        assertEquals(1, byFile.classes());
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
}
