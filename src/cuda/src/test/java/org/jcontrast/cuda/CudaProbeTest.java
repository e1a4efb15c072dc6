package org.jcontrast.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.SplittableRandom;
import org.jcontrast.internal.backend.BackendUnavailableException;
import org.jcontrast.internal.backend.GemmBackendProvider;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.kernel.KernelProvider;
import org.junit.jupiter.api.Test;

/**
 * The provider's registration, and each stage of the probe failing in turn against the stub: each gives
 * a reason and leaves nothing behind.
 */
class CudaProbeTest {

    private static String reason(Path override) {
        return assertThrows(BackendUnavailableException.class,
                () -> CudaGemmBackend.open(Optional.of(override), Precision.FP32)).getMessage();
    }

    @Test
    void theCudaProviderIsRegistered() {
        List<String> names = ServiceLoader.load(GemmBackendProvider.class).stream()
                .map(p -> p.get().name()).toList();
        assertEquals(List.of("cuda"), names);
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
        // Without -Djcontrast.cuda.path the real CUDA is looked for: absent or unusable on most build
        // machines, which must give a reason; on a machine with a GPU, its products must match the CPU's.
        try (CudaGemmBackend backend = CudaGemmBackend.open(Optional.empty(), Precision.FP32)) {
            int m = 33, n = 45, k = 27;
            float[] a = new float[m * k];
            float[] b = new float[k * n];
            SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) random.nextGaussian();
            }
            for (int i = 0; i < b.length; i++) {
                b[i] = (float) random.nextGaussian();
            }
            for (boolean transA : new boolean[] {false, true}) {
                for (boolean transB : new boolean[] {false, true}) {
                    int lda = transA ? m : k, ldb = transB ? k : n;
                    float[] cpu = new float[m * n];
                    float[] gpu = new float[m * n];
                    KernelProvider.scalar().gemm().gemm(transA, transB, m, n, k, 1f, a, 0, lda,
                            b, 0, ldb, 0f, cpu, 0, n);
                    backend.gemm(transA, transB, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, gpu, 0, n);
                    for (int i = 0; i < cpu.length; i++) {
                        assertEquals(cpu[i], gpu[i], 1e-4f * (1 + Math.abs(cpu[i])), backend.describe());
                    }
                }
            }
            float[] cpuGram = new float[m * m];
            float[] gpuGram = new float[m * m];
            KernelProvider.scalar().gemm().gemm(false, true, m, m, k, 1f, a, 0, k, a, 0, k, 0f, cpuGram, 0, m);
            backend.gram(m, k, a, 0, k, gpuGram, 0, m);
            for (int i = 0; i < cpuGram.length; i++) {
                assertEquals(cpuGram[i], gpuGram[i], 1e-4f * (1 + Math.abs(cpuGram[i])), backend.describe());
            }
        } catch (BackendUnavailableException e) {
            assertTrue(e.getMessage().contains("libcudart") || e.getMessage().contains("CUDA"), e.getMessage());
        }
    }
}
