package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import org.jcontrast.io.FormatException;
import org.junit.jupiter.api.Test;

class UserErrorsTest {

    @Test
    void dataAndFileProblemsAreShownAsTheyAre() {
        assertEquals("x.ckpt: CRC32 mismatch", UserErrors.message(new FormatException("x.ckpt", "CRC32 mismatch")));
        assertEquals("x.ckpt: CRC32 mismatch",
                UserErrors.message(new UncheckedIOException(new FormatException("x.ckpt", "CRC32 mismatch"))));
        assertEquals("not found: data/train: no such file",
                UserErrors.message(new NoSuchFileException("data/train", null, "no such file")));
        assertEquals("I/O error: disk full", UserErrors.message(new IOException("disk full")));
    }
}
