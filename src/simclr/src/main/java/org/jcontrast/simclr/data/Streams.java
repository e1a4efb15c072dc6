package org.jcontrast.simclr.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

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
     * (whatever the file is called).
     *
     * @param in the stream
     * @return the stream to read from
     * @throws IOException when the first bytes cannot be read
     */
    public static InputStream maybeGunzip(InputStream in) throws IOException {
        BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
        buffered.mark(2);
        int b1 = buffered.read(), b2 = buffered.read();
        buffered.reset();
        if (b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2) {
            return new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16);
        }
        return buffered;
    }
}
