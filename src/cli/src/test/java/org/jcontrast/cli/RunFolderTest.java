package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunFolderTest {
    @TempDir
    Path root;

    @Test
    void takenNamesGetASuffixAndFilesAreWrittenWhole() throws IOException {
        RunFolder a = RunFolder.create(root.resolve("runs"), "simclr");
        RunFolder b = RunFolder.create(root.resolve("runs"), "simclr");
        RunFolder c = RunFolder.create(root.resolve("runs"), "simclr");
        assertEquals("simclr", a.dir().getFileName().toString());
        assertEquals("simclr-2", b.dir().getFileName().toString());
        assertEquals("simclr-3", c.dir().getFileName().toString());
        a.writeSummary(Map.of("epochs", 2));
        assertEquals("{\n  \"epochs\": 2\n}\n", Files.readString(a.file(RunFolder.SUMMARY)));
        a.writeReport(new MarkdownReport().heading(1, "Run").paragraph("Two epochs.")
                .table(List.of("metric", "value"), List.of(List.of("kNN | top-1", 0.876543), List.of("loss", Double.NaN)))
                .image("loss curve", "loss.png"));
        assertEquals("""
                # Run

                Two epochs.

                | metric | value |
                | --- | --- |
                | kNN \\| top-1 | 0.8765 |
                | loss | – |

                ![loss curve](loss.png)

                """, Files.readString(a.file(RunFolder.REPORT)));
        assertFalse(Files.exists(a.file(RunFolder.REPORT + ".tmp")));
    }

    @Test
    void staleTemporaryFilesOfAKilledRunAreRemovedByTheNextOne() throws IOException {
        RunFolder killed = RunFolder.create(root.resolve("runs"), "t");
        FileTime hourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Files.setLastModifiedTime(Files.writeString(killed.file("checkpoint.jckp.tmp"), "half a checkpoint"), hourAgo);
        Files.setLastModifiedTime(Files.writeString(killed.file("loss.png.tmp"), "half a plot"), hourAgo);
        Files.setLastModifiedTime(Files.writeString(killed.file("notes.txt"), "the user's"), hourAgo);
        RunFolder writing = RunFolder.create(root.resolve("runs"), "concurrent");
        Files.writeString(writing.file("summary.json.tmp"), "another run's write in progress");
        RunFolder.create(root.resolve("runs"), "next");
        assertEquals(List.of("notes.txt"), Files.list(killed.dir()).map(p -> p.getFileName().toString()).toList());
        assertTrue(Files.exists(writing.file("summary.json.tmp")), "a fresh temporary file may be in use");
    }

    @Test
    void namesCannotEscapeTheRunsFolder() {
        for (String bad : new String[] {"../x", "a/b", "", ".hidden", "run name"}) {
            assertThrows(IllegalArgumentException.class, () -> RunFolder.create(root, bad), bad);
        }
        assertThrows(IllegalArgumentException.class, () -> new MarkdownReport().table(List.of("a", "b"),
                List.of(List.of(1))));
    }

    @Test
    void defaultNamesCarryTheCommandAndTime() {
        assertEquals("simclr-20250102-030405", RunFolder.defaultName("simclr", LocalDateTime.of(2025, 1, 2, 3, 4, 5)));
    }
}
