package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jcontrast.io.Npy;
import org.jcontrast.tensor.Tensor;

/** Loading the commands' .npy inputs, with errors that name the file and the option it came from. */
final class Inputs {
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

    /** A positive finite temperature, or the error every command gives for one that is not. */
    static double temperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("--temperature must be a positive finite number, got " + t);
        }
        return t;
    }
}
