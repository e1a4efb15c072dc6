package org.jcontrast.io;

import java.io.IOException;
import java.nio.file.Path;

/** A file that is not a .npy array jcontrast can read; the message names the file and what is wrong. */
public final class NpyFormatException extends IOException {
    private static final long serialVersionUID = 1L;

    NpyFormatException(Path file, String problem) {
        super(file + ": " + problem);
    }
}
