package org.jcontrast.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The folder a run writes its results to, {@code runs/<name>/}: {@code summary.json} (the
 * numbers, for scripts), {@code report.md} (the same for people, with the plots) and PNG plots.
 * A run never overwrites another: when the name is taken, "-2", "-3", ... is appended. Files are
 * written through a temporary file and a rename, so an interrupted run leaves whole files.
 */
final class RunFolder {
    static final String SUMMARY = "summary.json";
    static final String REPORT = "report.md";
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9._-]+");
    private final Path dir;

    private RunFolder(Path dir) {
        this.dir = dir;
    }

    /** Creates {@code root/name} (or the first free {@code root/name-N}); the name must be a plain file name. */
    static RunFolder create(Path root, String name) throws IOException {
        if (!SAFE_NAME.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalArgumentException("run name '" + name + "' may only hold letters, digits, '.', '_' and "
                    + "'-', and may not start with '.'");
        }
        Files.createDirectories(root);
        for (int n = 1; ; n++) {
            Path candidate = root.resolve(n == 1 ? name : name + "-" + n);
            try {
                Files.createDirectory(candidate);
                return new RunFolder(candidate);
            } catch (FileAlreadyExistsException taken) {
                // try the next suffix
            }
        }
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
        Path target = file(name);
        Path tmp = file(name + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
