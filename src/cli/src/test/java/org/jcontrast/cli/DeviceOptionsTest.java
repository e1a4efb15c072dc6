package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ForkJoinPool;
import org.jcontrast.Device;
import org.jcontrast.Simd;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.GemmBackendProvider;
import org.jcontrast.internal.backend.GemmRouter;
import org.jcontrast.internal.backend.OffloadSettings;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.loss.LossFactory;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code info} and {@code bench gemm|loss --device}: what they report, and their errors, without a GPU. */
class DeviceOptionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private String savedPath;
    private String savedDevice;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        savedPath = System.getProperty("jcontrast.cuda.path");
        savedDevice = System.setProperty("jcontrast.device", "cpu");
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(savedOut);
        System.setErr(savedErr);
        if (savedPath == null) {
            System.clearProperty("jcontrast.cuda.path");
        } else {
            System.setProperty("jcontrast.cuda.path", savedPath);
        }
        if (savedDevice == null) {
            System.clearProperty("jcontrast.device");
        } else {
            System.setProperty("jcontrast.device", savedDevice);
        }
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void infoSaysWhyNoGpuIsUsed() {
        assertEquals(0, Main.run("info"));
        assertTrue(out().contains("gpu      none: the device is set to cpu"), out());
        assertTrue(out().contains("matrix products: cpu"), out());
    }

    @Test
    void theCpuBenchReportsItsDevice() {
        assertEquals(0, Main.run("bench", "gemm", "--m", "64", "--k", "8", "--seconds", "0.01", "--json"));
        assertTrue(out().contains("\"device\": \"cpu\""), out());
    }

    @Test
    void theGpuBenchRefusesToRunWithoutAGpu(@TempDir Path empty) throws Exception {
        System.setProperty("jcontrast.cuda.path", Files.createDirectories(empty).toString());
        assertEquals(2, Main.run("bench", "gemm", "--device", "gpu", "--m", "64", "--k", "8"));
        assertTrue(err().contains("jcontrast bench gemm: --device gpu: no GPU backend: cuda: libcudart not found"), err());
        assertEquals("", out());
    }

    @Test
    void anUnknownDeviceIsAUserError() {
        assertEquals(2, Main.run("bench", "gemm", "--device", "tpu"));
        assertTrue(err().contains("the device must be cpu, gpu or auto, got 'tpu'"), err());
    }

    @Test
    void theCpuLossBenchReportsItsDeviceAndPrecision() {
        assertEquals(0, Main.run("bench", "loss", "--loss", "ntxent", "--batch", "64", "--dim", "8", "--mode",
                "streaming", "--warmup", "0", "--seconds", "0", "--runs", "1", "--device", "cpu", "--tf32", "--json"));
        assertTrue(out().contains("\"device\": \"cpu\"") && out().contains("\"precision\": \"FP32\""), out());
        assertTrue(out().contains("\"tile\": " + LossFactory.DEFAULT_TILE), out());
        assertFalse(out().contains("\"backend\""), out());
        assertEquals("", err());
    }

    @Test
    void theGpuLossBenchRefusesToRunWithoutAGpu(@TempDir Path empty) throws Exception {
        System.setProperty("jcontrast.cuda.path", Files.createDirectories(empty).toString());
        assertEquals(2, Main.run("bench", "loss", "--loss", "ntxent", "--batch", "64", "--device", "gpu"));
        // The error is one line (the router may also log why it found no GPU).
        assertTrue(err().lines().anyMatch(line -> line.startsWith(
                "jcontrast bench loss: --device gpu: no GPU backend: cuda: libcudart not found")), err());
        assertEquals("", out());
        assertEquals(2, Main.run("bench", "loss", "--loss", "ntxent", "--batch", "64", "--device", "tpu"));
        assertTrue(err().contains("jcontrast bench loss: the device must be cpu, gpu or auto, got 'tpu'"), err());
    }

    @Test
    void theReportNamesTheBackendOnlyOnceItComputed() {
        GemmRouter router = new GemmRouter(new OffloadSettings(Device.GPU, Precision.TF32, 0),
                List.of(new FillingProvider()));
        Map<String, Object> report = new LinkedHashMap<>();
        DeviceOptions.report(router, report);
        assertEquals(Map.of("device", "cpu", "precision", "FP32", "resident_passes", 0L), report,
                "nothing computed yet");
        try (Context gpu = new Context(Simd.AUTO, new ForkJoinPool(1), router, Context.Streaming.DEFAULT)) {
            gpu.call(() -> Ops.matmul(Tensor.zeros(2, 3), Tensor.zeros(3, 2)));
            DeviceOptions.report(router, report);
        }
        assertEquals(Map.of("device", "gpu", "precision", "TF32", "backend", "filling: fills C with ones",
                "resident_passes", 0L), report);
    }

    /** A backend that fills C with ones, in TF32 as asked. */
    private static final class FillingProvider implements GemmBackendProvider {
        @Override
        public String name() {
            return "filling";
        }

        @Override
        public GemmBackend open(Precision precision) {
            return new GemmBackend() {
                @Override
                public String name() {
                    return "filling";
                }

                @Override
                public String describe() {
                    return "fills C with ones";
                }

                @Override
                public Precision precision() {
                    return precision;
                }

                @Override
                public boolean accepts(int m, int n, int k) {
                    return true;
                }

                @Override
                public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a,
                                 int offA, int lda, float[] b, int offB, int ldb, float beta, float[] c, int offC,
                                 int ldc) {
                    Arrays.fill(c, offC, offC + m * ldc, 1f);
                }

                @Override
                public void gram(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc) {
                    Arrays.fill(c, offC, offC + n * ldc, 1f);
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
