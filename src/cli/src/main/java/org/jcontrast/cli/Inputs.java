package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jcontrast.io.Npy;
import org.jcontrast.tensor.Tensor;

/** Loading the commands' .npy inputs, with errors that name the file and the option it came from. */
final class Inputs {
    /** The most threads per available processor {@code --threads} takes. */
    static final int THREADS_PER_PROCESSOR = 4;

    private Inputs() {
    }

    /** An [N, d] matrix from {@code file}. */
    static Tensor matrix(Path file, String option) throws IOException {
        Tensor t = Npy.readTensor(file);
        if (t.rank() != 2) {
            throw new IllegalArgumentException(option + " " + file + ": expected an [N, d] matrix, got shape "
                    + t.shapeString());
        }
        return t;
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
