package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One in-process run of the command line with its exit status and captured output. */
record CliRun(int status, String out, String err) {

    static CliRun of(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            System.out.flush();
            System.err.flush();
            return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** A number from the JSON object on stdout. */
    double number(String key) {
        Matcher m = Pattern.compile("\"" + key + "\": ([-0-9.eE]+|null)").matcher(out);
        assertTrue(m.find(), "no \"" + key + "\" in " + out);
        return m.group(1).equals("null") ? Double.NaN : Double.parseDouble(m.group(1));
    }

    /** Succeeded, printing nothing on stderr. */
    CliRun ok() {
        assertEquals(0, status, "exit status; stderr: " + err);
        assertEquals("", err);
        return this;
    }

    /** Failed with one line on stderr that mentions {@code part}, no stack trace and nothing on stdout. */
    void failsWith(String part) {
        assertNotEquals(0, status, "exit status; stdout: " + out);
        String line = err.strip();
        assertTrue(!line.isEmpty() && !line.contains("\n"), "one line on stderr, got: " + err);
        assertTrue(!line.contains("Exception") && !line.contains("\tat "), "no stack trace: " + err);
        assertTrue(line.contains(part), "'" + line + "' should mention '" + part + "'");
        assertEquals("", out, "nothing on stdout");
    }
}
