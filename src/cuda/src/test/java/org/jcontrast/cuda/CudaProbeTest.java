package org.jcontrast.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.jcontrast.backend.BackendUnavailableException;
import org.jcontrast.backend.Precision;
import org.junit.jupiter.api.Test;

/** Each stage of the probe, failing in turn against the stub, gives a reason and leaves nothing behind. */
class CudaProbeTest {

    private static String reason(Path override) {
        return assertThrows(BackendUnavailableException.class,
                () -> CudaGemmBackend.open(Optional.of(override), Precision.FP32)).getMessage();
    }

    @Test
    void noLibraryInTheGivenDirectory() {
        Path empty = CudaStub.emptyDirectory();
        assertEquals("libcudart not found: tried libcudart.so.13, libcudart.so.12, libcudart.so.11, libcudart.so in "
                + empty, reason(empty));
    }

    @Test
    void aGivenPathThatDoesNotExist() {
        Path missing = CudaStub.emptyDirectory().resolve("nowhere");
        assertEquals("-Djcontrast.cuda.path=" + missing + " does not exist", reason(missing));
    }

    @Test
    void theRuntimeWithoutCublas() {
        Path dir = CudaStub.runtimeOnlyDirectory();
        assertEquals("libcublas not found: tried libcublas.so.12, libcublas.so.13, libcublas.so.11, libcublas.so in "
                + dir, reason(dir));
        CudaStub.get(CudaStub.Variant.FULL).assertNothingLive();
    }

    @Test
    void noDevice() {
        CudaStub stub = CudaStub.get(CudaStub.Variant.FULL);
        stub.setDeviceCount(0);
        assertTrue(reason(stub.directory()).startsWith("no CUDA device: cudaGetDeviceCount found none ("));
        assertEquals(0, stub.calls("cublasCreate_v2"), "libcublas is not even loaded");
    }

    @Test
    void theDeviceCountFails() {
        CudaStub stub = CudaStub.get(CudaStub.Variant.FULL);
        stub.fail("cudaGetDeviceCount", 35);
        assertTrue(reason(stub.directory()).startsWith("cudaGetDeviceCount failed: stub: CUDA driver version is "
                + "insufficient for CUDA runtime version (CUDA error 35)"));
    }

    @Test
    void aMissingSymbol() {
        CudaStub stub = CudaStub.get(CudaStub.Variant.NO_SYRK);
        assertEquals(stub.directory().resolve("libcublas.so.12") + " has no function cublasSsyrk_v2",
                reason(stub.directory()));
    }

    @Test
    void cublasCannotCreateAHandle() {
        CudaStub stub = CudaStub.get(CudaStub.Variant.FULL);
        stub.fail("cublasCreate_v2", 1);
        assertTrue(reason(stub.directory()).startsWith(
                "cublasCreate_v2 failed: stub: the library was not initialized (cuBLAS status 1)"));
        stub.assertNothingLive(); // the stream made before the handle is destroyed again
    }

    @Test
    void theRuntimeFileItselfWithCublasNextToIt() throws BackendUnavailableException {
        CudaStub stub = CudaStub.get(CudaStub.Variant.FULL);
        try (CudaGemmBackend backend = CudaGemmBackend.open(
                Optional.of(stub.directory().resolve("libcudart.so.12")), Precision.FP32)) {
            assertTrue(backend.describe().startsWith("jcontrast stub GPU (sm_80"), backend.describe());
        }
        stub.assertNothingLive();
    }

    @Test
    void aCuda11RuntimeWithoutTheNewerEntryPoints() throws BackendUnavailableException {
        CudaStub stub = CudaStub.get(CudaStub.Variant.CUDA11);
        try (CudaGemmBackend backend = CudaGemmBackend.open(Optional.of(stub.directory()), Precision.FP32)) {
            assertEquals("jcontrast stub GPU (CUDA 11 layout) (sm_80, 132 SMs, 16.0 GiB, CUDA runtime 11.8), "
                    + stub.directory().resolve("libcublas.so.11") + ", FP32", backend.describe());
            stub.fail("cublasSgemm_v2", 13);
            CudaException e = assertThrows(CudaException.class, () -> backend.gemm(false, false, 1, 1, 1, 1f,
                    new float[1], 0, 1, new float[1], 0, 1, 0f, new float[1], 0, 1));
            assertEquals("cublasSgemm_v2 failed: no description in this cuBLAS (cuBLAS status 13)", e.getMessage());
        }
        stub.assertNothingLive();
    }

    @Test
    void theSystemLibraryPath() {
        // Without -Djcontrast.cuda.path the real CUDA is looked for: absent on most build machines.
        try (CudaGemmBackend backend = CudaGemmBackend.open(Optional.empty(), Precision.FP32)) {
            assertTrue(backend.describe().contains("CUDA runtime"), backend.describe());
        } catch (BackendUnavailableException e) {
            assertTrue(e.getMessage().contains("on the system library path") || e.getMessage().contains("CUDA"),
                    e.getMessage());
        }
    }
}
