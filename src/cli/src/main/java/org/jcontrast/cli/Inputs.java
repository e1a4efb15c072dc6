package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.jcontrast.io.Npy;
import org.jcontrast.tensor.Tensor;

/**
 * The commands' file and folder options: inputs checked to be files and outputs to be folders
 * before anything is read or written, with errors that name the option, the path and the fix.
 */
final class Inputs {
    /** The most threads per available processor {@code --threads} takes. */
    static final int THREADS_PER_PROCESSOR = 4;

    private Inputs() {
    }

    /** An [N, d] matrix from {@code file}. */
    static Tensor matrix(Path file, String option) throws IOException {
        Tensor t = Npy.readTensor(file(file, option));
        if (t.rank() != 2) {
            throw new IllegalArgumentException(option + " " + file + ": expected an [N, d] matrix, got shape "
                    + t.shapeString());
        }
        return t;
    }

    /** Class labels from {@code file}. */
    static int[] labels(Path file, String option) throws IOException {
        return Npy.readLabels(file(file, option));
    }

    /** {@code file}, refused with the option's name unless it exists and is not a folder. */
    static Path file(Path file, String option) throws NoSuchFileException {
        if (Files.isDirectory(file)) {
            throw new IllegalArgumentException(option + " " + file + ": is a folder, not a file; give the file");
        }
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, "no such file (" + option + ")");
        }
        return file;
    }

    /**
     * {@code dir} for an output folder: refused with the option's name when it, or a folder above
     * it, is a file; else returned (it is created when first written to).
     */
    static Path outputFolder(Path dir, String option) {
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                String what = p.equals(dir.toAbsolutePath()) ? "it" : p.toString();
                throw new IllegalArgumentException(option + " " + dir + ": " + what + " is a file, not a folder; "
                        + "give a folder (it is created if missing)");
            }
        }
        return dir;
    }

    /**
     * {@code --threads}: at least 1 and at most {@value #THREADS_PER_PROCESSOR} per available
     * processor, beyond which threads only add memory and switching (each holds its own buffers).
     */
    static int threads(int n) {
        int processors = Runtime.getRuntime().availableProcessors();
        int most = THREADS_PER_PROCESSOR * processors;
        if (n < 1 || n > most) {
            throw new IllegalArgumentException("--threads must be 1 to " + most + " (" + THREADS_PER_PROCESSOR
                    + " per processor, " + processors + " available), got " + n);
        }
        return n;
    }

    /** A positive finite temperature, or the error every command gives for one that is not. */
    static double temperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("--temperature must be a positive finite number, got " + t);
        }
        return t;
    }
}
