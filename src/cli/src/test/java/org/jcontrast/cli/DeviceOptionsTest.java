package org.jcontrast.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jcontrast.backend.DeviceMode;
import org.jcontrast.backend.GemmRouter;
import org.jcontrast.backend.OffloadSettings;
import org.jcontrast.backend.Precision;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code info} and {@code bench gemm --device}: what they report, and their errors, without a GPU. */
class DeviceOptionsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;
    private PrintStream savedErr;
    private GemmRouter savedRouter;
    private String savedPath;

    @BeforeEach
    void capture() {
        savedOut = System.out;
        savedErr = System.err;
        savedPath = System.getProperty("jcontrast.cuda.path");
        savedRouter = GemmRouter.install(new GemmRouter(new OffloadSettings(DeviceMode.CPU, Precision.FP32, 0)));
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
        GemmRouter.install(savedRouter == null ? new GemmRouter(OffloadSettings.fromSystemProperties()) : savedRouter)
                .close();
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
        assertTrue(err().contains("jcontrast gemm: --device gpu: no GPU backend: cuda: libcudart not found"), err());
        assertEquals("", out());
    }

    @Test
    void anUnknownDeviceIsAUserError() {
        assertEquals(2, Main.run("bench", "gemm", "--device", "tpu"));
        assertTrue(err().contains("the device must be cpu, gpu or auto, got 'tpu'"), err());
    }
}
