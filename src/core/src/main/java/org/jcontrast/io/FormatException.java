package org.jcontrast.io;

import java.io.IOException;

/**
 * A file that could be read but whose content is not what its format says: wrong magic number,
 * truncated, inconsistent sizes, a failed checksum, a value out of range. The message names the
 * file and the problem, ready to be shown to a user as it is.
 * <p>Immutable and thread-safe.
 */
public final class FormatException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A problem with {@code source} (a path or a resource name), described by {@code problem}.
     *
     * @param source the path or resource name
     * @param problem what is wrong, in words
     */
    public FormatException(String source, String problem) {
        super(source + ": " + problem);
    }

    /**
     * The same, keeping the low-level exception that revealed the problem.
     *
     * @param source the path or resource name
     * @param problem what is wrong, in words
     * @param cause the low-level exception
     */
    public FormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
    }
}
