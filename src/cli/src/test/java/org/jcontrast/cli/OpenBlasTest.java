package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class OpenBlasTest {

    @Test
    void aMissingLibraryIsOneClearMessage() {
        String before = System.getProperty(OpenBlas.PATH_PROPERTY);
        System.setProperty(OpenBlas.PATH_PROPERTY, "/nonexistent/libopenblas.so.0");
        try (Arena arena = Arena.ofConfined()) {
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> OpenBlas.load(arena));
            assertTrue(e.getMessage().startsWith(
                    "OpenBLAS not found: install libopenblas0 (Debian) or pass -Djcontrast.openblas.path="),
                    e.getMessage());
            assertTrue(e.getMessage().contains("/nonexistent/libopenblas.so.0"), e.getMessage());
        } finally {
            if (before == null) {
                System.clearProperty(OpenBlas.PATH_PROPERTY);
            } else {
                System.setProperty(OpenBlas.PATH_PROPERTY, before);
            }
        }
    }

    @Test
    void benchRejectsAnUnknownLibrary() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true));
        try {
            assertEquals(2, Main.run("bench", "gemm", "--m", "8", "--k", "8", "--vs", "mkl"));
        } finally {
            System.setErr(err);
        }
        assertTrue(captured.toString().contains("--vs knows only openblas, got 'mkl'"), captured.toString());
    }
}
