package org.jcontrast.simclr.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.jcontrast.io.FormatException;

/**
 * Opening data files whether or not they are gzipped.
 * <p>Stateless and thread-safe.
 */
public final class Streams {
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private Streams() {
    }

    /**
     * A buffered stream over {@code in}, decompressed if it starts with the gzip magic bytes
     * (whatever the file is called). Corrupt or truncated gzip data, found now or while reading,
     * is a {@link FormatException} naming {@code source}.
     *
     * @param in the stream
     * @param source the name errors give for the stream, usually its file
     * @return the stream to read from
     * @throws IOException when the first bytes cannot be read
     */
    public static InputStream maybeGunzip(InputStream in, String source) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int b1 = buffered.read(), b2 = buffered.read();
        buffered.reset();
        if (b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2) {
            try {
                return new BufferedInputStream(new GzipErrors(new GZIPInputStream(buffered, 1 << 16), source), 1 << 16);
            } catch (ZipException | EOFException e) {
                throw GzipErrors.problem(source, e);
            }
        }
        return buffered;
    }

    /** The decompressor's errors as {@link FormatException}s naming the file. */
    private static final class GzipErrors extends FilterInputStream {
        private final String source;

        GzipErrors(InputStream in, String source) {
            super(in);
            this.source = source;
        }

        static FormatException problem(String source, IOException e) {
            return new FormatException(source, "corrupt or truncated gzip data (" + e.getMessage() + ")", e);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (ZipException | EOFException e) {
                throw problem(source, e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (ZipException | EOFException e) {
                throw problem(source, e);
            }
        }
    }
}
