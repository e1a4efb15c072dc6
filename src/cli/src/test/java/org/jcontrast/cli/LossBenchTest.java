package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossMode;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** {@code jcontrast bench loss}: what it reports for every loss and mode, and its errors. */
class LossBenchTest {
    private static CliRun bench(String... options) {
        String[] args = new String[options.length + 8];
        System.arraycopy(new String[] {"bench", "loss", "--warmup", "0", "--seconds", "0", "--runs", "1"}, 0, args, 0, 8);
        System.arraycopy(options, 0, args, 8, options.length);
        return CliRun.of(args);
    }

    @Test
    void reportsTheTimeTheModeAndTheResidentMemory() {
        CliRun r = bench("--loss", "ntxent", "--batch", "64", "--dim", "8", "--mode", "streaming", "--tile", "16",
                "--loss-cache", "3k", "--json").ok();
        assertTrue(r.out().contains("\"loss\": \"ntxent\"") && r.out().contains("\"mode\": \"streaming\""), r.out());
        assertTrue(r.number("seconds") > 0, r.out());
        assertEquals(16, r.number("tile"));
        assertEquals(3 << 10, r.number("loss_cache_bytes"));
        // The value is the library's on the same random views.
        SplittableRandom random = new SplittableRandom(42);
        Tensor z1 = Tensor.randn(random, 32, 8), z2 = Tensor.randn(random, 32, 8);
        double want = LossFactory.create(LossOptions.of(LossKind.NTXENT), LossMode.STREAMING, 16).compute(z1, z2).loss();
        assertEquals(want, r.number("value"), 0.0);
        if (ProcessMemory.residentMib().isPresent()) {
            double idle = r.number("idle_rss_mib"), peak = r.number("peak_rss_mib");
            assertTrue(idle > 0 && peak >= idle, r.out());
        } else {
            assertTrue(r.out().contains(ProcessMemory.UNAVAILABLE), r.out());
        }
    }

    @Test
    void everyLossRunsAndAutoStreamsUnlessTheHeapsOutgrowTheMatrix() {
        for (String loss : new String[] {"ntxent", "dcl", "dclw", "hard", "simple", "hardsimple", "infonce", "supcon",
                                         "clip"}) {
            CliRun r = bench("--loss", loss, "--batch", "24", "--dim", "4", "--json").ok();
            // The default top 16 of 22 negatives per anchor would take more memory than the 24² matrix.
            String mode = loss.startsWith("hard") ? "materialized" : "streaming";
            assertTrue(r.out().contains("\"mode\": \"" + mode + "\""), r.out());
            assertTrue(Double.isFinite(r.number("value")), r.out());
        }
        CliRun quantile = bench("--loss", "hard", "--quantile", "0.2", "--negative-set", "cross", "--batch", "24",
                "--dim", "4", "--mode", "streaming", "--tile", "5", "--json").ok();
        assertTrue(Double.isFinite(quantile.number("value")), quantile.out());
        CliRun text = bench("--loss", "clip", "--batch", "8", "--dim", "3", "--mode", "composed").ok();
        assertTrue(text.out().contains("per forward+backward") && text.out().contains("(composed)"), text.out());
    }

    @Test
    void badOptionsAreOneLine() {
        bench("--loss", "ntxent", "--batch", "7").failsWith("--batch is 2N, an even number ≥ 4; got 7");
        bench("--loss", "ntxent", "--batch", "8", "--tile", "0").failsWith("--tile must be at least 1, got 0");
        bench("--loss", "ntxent", "--batch", "8", "--loss-cache", "lots").failsWith("--loss-cache must be a size in "
                + "bytes, digits with an optional k, m or g (e.g. 640m), got 'lots'");
        bench("--loss", "ntxent", "--batch", "8", "--mode", "fast").failsWith("--mode must be auto, streaming");
        bench("--loss", "nope", "--batch", "8").failsWith("unknown loss 'nope'");
        bench("--loss", "ntxent", "--batch", "8", "--negative-set", "some").failsWith("--negative-set must be all or cross");
    }
}
