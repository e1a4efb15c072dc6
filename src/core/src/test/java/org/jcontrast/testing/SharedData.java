package org.jcontrast.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared data folder: {@code shared/data} beside the repository (or beside one of
 * its ancestors, as for a git worktree), found by walking up from the working directory.
 */
public final class SharedData {
    private SharedData() {
    }

    /** The folder; fails the calling test with a clear message when there is none. */
    public static Path dir() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("no shared/data folder above " + Path.of("").toAbsolutePath()
                + "; the data tests need the project's shared data beside the repository");
    }
}
