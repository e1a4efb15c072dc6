package org.jcontrast.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file writes: the bytes go to {@code NAME.tmp} beside the file, are forced to the disk,
 * renamed over {@code NAME}, and the folder is synced so that the rename itself survives a power
 * cut. A reader then finds the whole old file or the whole new one, never a torn one; a process
 * killed mid-write leaves at most a stale {@code NAME.tmp}, which the caller may delete later.
 *
 * <p>Stateless and thread-safe; two threads writing the same file at once race on its temporary
 * file, so callers write each file from one thread.
 */
public final class DurableFiles {
    /** The suffix of the temporary file a write goes through. */
    public static final String TEMP_SUFFIX = ".tmp";

    private DurableFiles() {
    }

    /**
     * Replaces {@code file} with {@code bytes} crash-safely, creating its folder if missing.
     *
     * @param file where to write; replaced whole if it exists
     * @param bytes the new contents
     * @throws IOException when the temporary file cannot be written, forced or renamed, or the
     *         folder cannot be synced
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = dir.resolve(file.getFileName() + TEMP_SUFFIX);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDirectory(dir);
    }

    /**
     * Forces {@code dir}'s entries (a rename, a deletion) to the disk. Opening a folder for reading
     * works on Linux and macOS; where it does not (Windows), there is nothing to sync this way.
     *
     * @param dir the folder
     * @throws IOException when the folder cannot be opened or forced on a system that allows it
     */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException e) {
            if (!System.getProperty("os.name", "").startsWith("Windows")) {
                throw e;
            }
        }
    }
}
