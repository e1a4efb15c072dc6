package org.jcontrast.cuda;

import org.jcontrast.internal.backend.BackendUnavailableException;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.GemmBackendProvider;
import org.jcontrast.internal.backend.Precision;

/**
 * Registers the cuBLAS backend with {@link java.util.ServiceLoader}. Constructing it touches no
 * native code; {@link #open} probes, looking for the libraries where {@code -Djcontrast.cuda.path}
 * says, or on the system's library path.
 * <p>Stateless and thread-safe; each {@link #open} call opens a backend of its own.
 */
public final class CudaBackendProvider implements GemmBackendProvider {

    /** Called by {@link java.util.ServiceLoader}. */
    public CudaBackendProvider() {
    }

    @Override
    public String name() {
        return "cuda";
    }

    @Override
    public GemmBackend open(Precision precision) throws BackendUnavailableException {
        return CudaGemmBackend.open(CudaLibraries.overrideFromProperty(), precision);
    }
}
