package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.jcontrast.internal.kernel.KernelProvider;
import org.junit.jupiter.api.Test;

/** {@code bench gemm --tile-shapes}: every micro-tile shape of the kernels in use, timed with the rest. */
class GemmBenchTest {

    @Test
    void tileShapesTimesEveryShapeAndNamesTheOneInUse() {
        CliRun r = CliRun.of("bench", "gemm", "--m", "70", "--k", "40", "--seconds", "0", "--threads", "1",
                "--tile-shapes", "--json").ok();
        List<Integer> widths = KernelProvider.vectorWidths();
        if (widths.isEmpty()) {
            assertTrue(r.out().contains("\"gflops_gemm_by_tile\": {\"scalar\": "), r.out());
            return;
        }
        int floats = 2 * widths.getLast() / Float.SIZE;
        for (int rows : new int[] {4, 8}) {
            assertTrue(r.out().matches("(?s).*\"" + rows + "×" + floats + "\": [0-9.]+.*"), rows + " rows: " + r.out());
        }
        assertTrue(r.out().matches("(?s).*\"tile_in_use\": \"[48]×" + floats + "\".*"), r.out());
    }
}
