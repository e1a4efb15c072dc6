package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.io.Npy;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A folder where a file is expected, or a file where a folder is expected, is one line naming the
 * option, the path and the fix (not "I/O error: Is a directory" or "I/O error: z1.npy").
 */
class PathOptionsTest {
    @TempDir
    Path dir;
    private Path z1;
    private Path z2;
    private Path folder;

    @BeforeEach
    void files() throws IOException {
        SplittableRandom r = new SplittableRandom(5);
        z1 = dir.resolve("z1.npy");
        z2 = dir.resolve("z2.npy");
        Npy.write(z1, Tensor.randn(r, 6, 4));
        Npy.write(z2, Tensor.randn(r, 6, 4));
        folder = Files.createDirectory(dir.resolve("folder"));
    }

    @Test
    void aFolderGivenForAFileNamesTheOption() {
        CliRun.of("loss", "--loss", "ntxent", "--views", folder.toString(), z2.toString())
                .failsWith("--views " + folder + ": is a folder, not a file");
        CliRun.of("metrics", "--embeddings", folder.toString()).failsWith("--embeddings " + folder + ": is a folder");
        CliRun.of("metrics", "--embeddings", z1.toString(), "--views", folder.toString())
                .failsWith("--views " + folder + ": is a folder");
        CliRun.of("metrics", "--embeddings", z1.toString(), "--labels", folder.toString())
                .failsWith("--labels " + folder + ": is a folder");
        CliRun.of("train", "--resume", folder.toString()).failsWith("--resume " + folder + ": is a folder");
    }

    @Test
    void aFileGivenForAFolderNamesTheOptionBeforeAnyWork() {
        CliRun.of("loss", "--loss", "ntxent", "--views", z1.toString(), z2.toString(), "--grad-out", z1.toString())
                .failsWith("--grad-out " + z1 + ": it is a file, not a folder; give a folder");
        Path below = z1.resolve("grads");
        CliRun.of("loss", "--loss", "ntxent", "--views", z1.toString(), z2.toString(), "--grad-out", below.toString())
                .failsWith("--grad-out " + below + ": " + z1 + " is a file, not a folder");
        CliRun.of("metrics", "--embeddings", z1.toString(), "--raw-out", z2.toString())
                .failsWith("--raw-out " + z2 + ": it is a file, not a folder");
        CliRun.of("train", "--runs", z1.toString(), "--epochs", "1").failsWith("--runs " + z1 + ": it is a file");
        assertFalse(Files.exists(dir.resolve("runs")));
    }

    @Test
    void rowsOfHugeOrTinyValuesGiveTheLossThatMetricsGives() throws IOException {
        Tensor base = Tensor.randn(new SplittableRandom(9), 6, 4), other = Tensor.randn(new SplittableRandom(10), 6, 4);
        for (float scale : new float[] {1e20f, 1e-20f}) {
            Npy.write(z1, Ops.scale(base, scale));
            Npy.write(z2, Ops.scale(other, scale));
            double loss = CliRun.of("loss", "--loss", "ntxent", "--views", z1.toString(), z2.toString(), "--json")
                    .ok().number("loss");
            double metrics = CliRun.of("metrics", "--embeddings", z1.toString(), "--views", z2.toString(), "--json")
                    .ok().number("ntxent");
            assertEquals(metrics, loss, 1e-5, "scale " + scale);
        }
    }
}
