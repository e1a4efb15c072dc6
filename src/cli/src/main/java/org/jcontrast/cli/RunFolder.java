package org.jcontrast.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Pattern;
import org.jcontrast.io.Checkpoint;
import org.jcontrast.io.DurableFiles;

/**
 * The folder a run writes its results to, {@code runs/<name>/}: {@code summary.json} (the
 * numbers, for scripts), {@code report.md} (the same for people, with the plots), PNG plots and
 * checkpoints. A run never overwrites another: when the name is taken, "-2", "-3", ... is appended.
 *
 * <p>Crash safety: every file is written to {@code NAME.tmp}, forced to the disk, renamed over
 * {@code NAME}, and the folder is synced so that the rename itself survives a power cut. A run
 * killed mid-write leaves a whole old file (or none) and a stale {@code .tmp}, which the next run
 * under the same root removes once it is {@link #STALE_AFTER} old (a younger one may be another
 * run's write in progress), and a run resumed from that folder's checkpoint at once.
 */
final class RunFolder {
    static final String SUMMARY = "summary.json";
    static final String REPORT = "report.md";
    /** Age after which a temporary file in another run's folder is surely not a write in progress. */
    static final Duration STALE_AFTER = Duration.ofMinutes(10);
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** A file's contents, written to a stream. */
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Creates {@code root/name} (or the first free {@code root/name-N}); the name must be a plain file
     * name. Temporary files left in the other run folders of {@code root} by a killed run are removed
     * once they are {@link #STALE_AFTER} old.
     */
    static RunFolder create(Path root, String name) throws IOException {
        if (!SAFE_NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalArgumentException("run name '" + name + "' may only hold letters, digits, '.', '_' and "
                    + "'-', and may not start with '.'");
        }
        Files.createDirectories(root);
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path run : runs) {
                removeStaleFiles(run, STALE_AFTER);
            }
        }
        for (int n = 1; ; n++) {
            Path candidate = root.resolve(n == 1 ? name : name + "-" + n);
            try {
                Files.createDirectory(candidate);
                DurableFiles.syncDirectory(root);
                return new RunFolder(candidate);
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
    }

    /** Deletes the {@code *.tmp} files in {@code dir} last written at least {@code age} ago; returns how many. */
    static int removeStaleFiles(Path dir, Duration age) throws IOException {
        int removed = 0;
        Instant before = Instant.now().minus(age);
        try (DirectoryStream<Path> stale = Files.newDirectoryStream(dir, "*" + DurableFiles.TEMP_SUFFIX)) {
            for (Path p : stale) {
                if (Files.isRegularFile(p) && !Files.getLastModifiedTime(p).toInstant().isAfter(before)
                        && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        if (removed > 0) {
            DurableFiles.syncDirectory(dir);
        }
        return removed;
    }

    /** A default run name: the command and the local time, e.g. {@code simclr-20250101-120000}. */
    static String defaultName(String command, LocalDateTime now) {
        return command + "-" + now.format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    /** The folder. */
    Path dir() {
        return dir;
    }

    /** A path inside the folder, e.g. for a plot. */
    Path file(String name) {
        return dir.resolve(name);
    }

    /** Writes {@code summary.json}. */
    void writeSummary(Map<String, ?> summary) throws IOException {
        write(SUMMARY, Json.pretty(summary));
    }

    /** Writes {@code report.md}. */
    void writeReport(MarkdownReport report) throws IOException {
        write(REPORT, report.toString());
    }

    /** Writes a text file in the folder, replacing it whole. */
    void write(String name, String text) throws IOException {
        writeFile(file(name), out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Writes a checkpoint in the folder, replacing it whole. */
    void writeCheckpoint(String name, Checkpoint checkpoint) throws IOException {
        checkpoint.write(file(name));
    }

    /** Writes {@code file} crash-safely ({@link DurableFiles#write}): any folder, so that the plots of a run go the same way. */
    static void writeFile(Path file, Content content) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        content.writeTo(bytes);
        DurableFiles.write(file, bytes.toByteArray());
    }
}
