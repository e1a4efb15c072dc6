package org.jcontrast.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's shared data folder: {@code shared/data} beside the repository (or beside one of
 * its ancestors, as for a git worktree), found by walking up from the working directory. A user's
 * clone has none, so only optional checks on the full datasets use it; the suite's own assertions
 * run on fixtures the tests write and on the Fashion-MNIST split embedded in the command line's jar.
 */
public final class SharedData {
    private SharedData() {
    }

    /**
     * The folder; when there is none, skips the calling test (a JUnit assumption) and prints one
     * line saying which check needs it.
     *
     * @param check what the calling test checks on the shared data, for the skip message
     * @return the {@code shared/data} folder
     */
    public static Path dir(String check) {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve("shared").resolve("data");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        String skipped = "optional check skipped (" + check + "): no shared/data folder above "
                + Path.of("").toAbsolutePath() + "; a clone has none and needs none";
        // Surefire keeps an assumption's message in its reports only; this line shows on the console.
        System.err.println(skipped);
        assumeTrue(false, skipped);
        throw new AssertionError("unreachable: the assumption above aborts the test");
    }
}
