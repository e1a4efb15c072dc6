package org.jcontrast.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

/**
 * The process's resident memory from {@code /proc/self/status} (Linux): VmRSS now and VmHWM, its
 * peak so far. Elsewhere there is no such file and the readings are empty, with {@link #UNAVAILABLE}
 * saying why.
 */
final class ProcessMemory {
    private static final Path STATUS = Path.of("/proc/self/status");
    /** Why the readings are empty. */
    static final String UNAVAILABLE = "resident memory is read from /proc/self/status, which only Linux has";

    private ProcessMemory() {
    }

    /** Resident memory now, in MiB. */
    static OptionalDouble residentMib() {
        return field("VmRSS");
    }

    /** Peak resident memory since the process started, in MiB. */
    static OptionalDouble peakMib() {
        return field("VmHWM");
    }

    private static OptionalDouble field(String name) {
        if (!Files.isReadable(STATUS)) {
            return OptionalDouble.empty();
        }
        try {
            List<String> lines = Files.readAllLines(STATUS);
            for (String line : lines) {
                if (line.startsWith(name + ":")) {
                    String[] parts = line.substring(name.length() + 1).trim().split("\\s+");
                    return OptionalDouble.of(Long.parseLong(parts[0]) / 1024.0);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.empty();
    }
}
