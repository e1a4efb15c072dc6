package org.jcontrast.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableFilesTest {
    @TempDir
    Path dir;

    @Test
    void replacesTheFileWholeThroughItsTemporarySibling() throws IOException {
        Path file = dir.resolve("sub").resolve("summary.json");
        DurableFiles.write(file, "a longer first version".getBytes(StandardCharsets.UTF_8));
        Path tmp = dir.resolve("sub").resolve("summary.json" + DurableFiles.TEMP_SUFFIX);
        Files.writeString(tmp, "left by a killed write, longer than the next version");

        DurableFiles.write(file, "v2".getBytes(StandardCharsets.UTF_8));

        assertArrayEquals("v2".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
        assertFalse(Files.exists(tmp), "the temporary file is renamed away");
        assertEquals(1, Files.list(file.getParent()).count(), "nothing else is left in the folder");
    }

    @Test
    void aFolderInTheWayIsAnIoErrorAndTheFileIsUntouched() throws IOException {
        Path file = dir.resolve("report.md");
        Files.writeString(file, "old");
        Files.createDirectory(dir.resolve("report.md" + DurableFiles.TEMP_SUFFIX));
        assertThrows(IOException.class, () -> DurableFiles.write(file, new byte[] {1}));
        assertEquals("old", Files.readString(file));
    }
}
