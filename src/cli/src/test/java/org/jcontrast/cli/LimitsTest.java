package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import org.junit.jupiter.api.Test;

/** Sizes and settings beyond what the machine holds are refused before any work, in one line. */
class LimitsTest {
    @Test
    void aGemmLargerThanTheHeapIsRefusedWithTheFigureAndTheFix() {
        CliRun r = CliRun.of("bench", "gemm", "--m", "40000", "--k", "50000");
        r.failsWith("jcontrast bench gemm: the arrays of A (40000×50000) and 2 results of 40000×40000 need about 20.8 GB");
        assertTrue(r.err().contains("a smaller --m or --k") && r.err().contains("JCONTRAST_OPTS=-Xmx"), r.err());
    }

    @Test
    void aLossLargerThanTheHeapIsRefusedWithTheFigureAndTheFix() {
        CliRun streaming = CliRun.of("bench", "loss", "--loss", "ntxent", "--batch", "2000000", "--dim", "1000");
        streaming.failsWith("jcontrast bench loss: the arrays of ntxent (streaming) on 2N = 2000000 views of 1000 need about 24.1 GB");
        assertTrue(streaming.err().contains("a smaller --batch or --dim"), streaming.err());
        CliRun materialized = CliRun.of("bench", "loss", "--loss", "ntxent", "--batch", "200000", "--dim", "4",
                "--mode", "materialized");
        materialized.failsWith("--mode streaming");
    }

    @Test
    void theEstimateCountsTheViewsAndTheSimilarities() {
        assertEquals(4L * (4 * 3 + 2 * 4 * 4), GemmBench.bytesNeeded(4, 3, 2));
        assertEquals(4L * (4 * 3 + 4 * 4 * 4), GemmBench.bytesNeeded(4, 3, 4));
        assertEquals(4L * (6 * 8 * 2 + 3 * 16 * 16),
                LossBench.bytesNeeded(org.jcontrast.loss.LossKind.NTXENT, org.jcontrast.loss.LossMode.MATERIALIZED,
                        8, 2, 256, 2, 0));
        assertEquals(4L * ((6 * 8 + 5) * 2 + 2 * 3 * 4 * 4 + 2 * (16 + 5) * 2),
                LossBench.bytesNeeded(org.jcontrast.loss.LossKind.INFONCE, org.jcontrast.loss.LossMode.STREAMING,
                        8, 2, 4, 3, 5));
    }

    @Command(name = "hog")
    static final class Hog implements Callable<Integer> {
        @Override
        public Integer call() {
            throw new OutOfMemoryError("Java heap space");
        }
    }

    @Test
    void anOutOfMemoryErrorIsOneLineWithTheAdvice() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine cli = new CommandLine(new Hog());
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        assertEquals(2, Main.execute(cli));
        String line = err.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.startsWith("hog: out of memory (") && !line.contains("\n") && !line.contains("\tat "), line);
        assertTrue(line.contains("--mode streaming") && line.contains("JCONTRAST_OPTS=-Xmx"), line);
    }

    @Test
    void threadsBeyondFourPerProcessorAreRefusedNamingTheOption() {
        int most = 4 * Runtime.getRuntime().availableProcessors();
        CliRun.of("bench", "gemm", "--threads", "10000").failsWith("--threads must be 1 to " + most);
        CliRun.of("bench", "loss", "--loss", "ntxent", "--batch", "8", "--threads", "10000")
                .failsWith("--threads must be 1 to " + most);
        CliRun.of("bench", "step", "--threads", "0").failsWith("--threads must be 1 to " + most);
        CliRun.of("train", "--threads", String.valueOf(most + 1)).failsWith("--threads must be 1 to " + most);
    }

    @Test
    void benchGemmRefusesNegativeSeconds() {
        CliRun.of("bench", "gemm", "--seconds", "-1").failsWith("jcontrast bench gemm: --seconds must be");
    }
}
