package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.jcontrast.io.Npy;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jcontrast gradcheck}: passes the built-in losses, fails (exit 1) with the worst row, and bad input is one line. */
class GradcheckCommandTest {
    @TempDir
    Path dir;
    private Path f1;
    private Path f2;

    @BeforeEach
    void views() throws IOException {
        SplittableRandom r = new SplittableRandom(3);
        f1 = dir.resolve("z1.npy");
        f2 = dir.resolve("z2.npy");
        Npy.write(f1, Tensor.randn(r, 5, 3));
        Npy.write(f2, Tensor.randn(r, 5, 3));
    }

    private CliRun gradcheck(String... options) {
        List<String> args = new ArrayList<>(List.of("gradcheck", "--views", f1.toString(), f2.toString()));
        args.addAll(List.of(options));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void builtInLossesPassAndTheWorstRowIsPrinted() throws IOException {
        CliRun nt = gradcheck("--loss", "ntxent", "--temperature", "0.2").ok();
        assertTrue(nt.out().startsWith("gradient check passed: ntxent τ=0.2"), nt.out());
        assertTrue(nt.out().contains("worst row z"), nt.out());
        gradcheck("--loss", "dclw", "--weight-gradient").ok();
        gradcheck("--loss", "simple", "--negative-set", "cross").ok();
        Path y = dir.resolve("y.npy");
        Npy.writeLabels(y, new int[] {0, 1, 0, 1, 2});
        gradcheck("--loss", "supcon", "--labels", y.toString()).ok();
        CliRun json = gradcheck("--loss", "clip", "--json").ok();
        assertTrue(json.out().startsWith("{\"passed\": true") && json.out().contains("\"worst_row\": {"), json.out());
    }

    @Test
    void aFailingCheckExitsWithOneAndNamesWhere() {
        CliRun r = gradcheck("--loss", "ntxent", "--tolerance", "1e-12");
        assertEquals(1, r.status(), r.err());
        assertTrue(r.out().contains("gradient check FAILED") && r.out().contains("worst row z"), r.out());
        CliRun json = gradcheck("--loss", "ntxent", "--tolerance", "1e-12", "--json");
        assertEquals(1, json.status());
        assertTrue(json.out().contains("\"passed\": false") && json.out().contains("\"relative_error\": "), json.out());
    }

    @Test
    void badInputIsOneLine() {
        gradcheck("--loss", "ntxent", "--normalized").failsWith("--normalized");
        gradcheck("--loss", "dclw").failsWith("--weight-gradient");
        gradcheck("--loss", "ntxent", "--tolerance", "0").failsWith("--tolerance must be a positive");
        gradcheck().failsWith("--loss is required");
        CliRun.of("gradcheck", "--loss", "ntxent").failsWith("--views");
    }
}
