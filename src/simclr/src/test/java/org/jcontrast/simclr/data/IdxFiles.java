package org.jcontrast.simclr.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Hand-made IDX files for the tests. */
final class IdxFiles {
    private IdxFiles() {
    }

    /** Header ints (big-endian) followed by the payload bytes. */
    static byte[] idx(int[] header, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(4 * header.length + payload.length);
        for (int h : header) {
            b.putInt(h);
        }
        b.put(payload);
        return b.array();
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    static Path write(Path dir, String name, byte[] data) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, data);
        return p;
    }
}
