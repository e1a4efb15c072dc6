package org.jcontrast.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.jcontrast.io.FormatException;

/** Turns an exception into the one line a user sees, without a stack trace. */
final class UserErrors {
    private UserErrors() {
    }

    static String message(Throwable e) {
        Throwable t = e instanceof UncheckedIOException u ? u.getCause() : e;
        String msg = t.getMessage();
        if (t instanceof IllegalArgumentException || t instanceof IllegalStateException
                || t instanceof FormatException) {
            return msg;
        }
        if (t instanceof NoSuchFileException) {
            return "not found: " + msg;
        }
        if (t instanceof IOException) {
            return "I/O error: " + msg;
        }
        if (t instanceof OutOfMemoryError) {
            return HeapBudget.outOfMemory();
        }
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg);
    }
}
