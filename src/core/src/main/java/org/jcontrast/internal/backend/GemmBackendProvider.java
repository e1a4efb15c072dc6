package org.jcontrast.internal.backend;

/**
 * Opens a {@link GemmBackend}. Providers are found with {@link java.util.ServiceLoader} (a jar
 * registers one in {@code META-INF/services/org.jcontrast.internal.backend.GemmBackendProvider}) and must be
 * cheap to construct: all probing of libraries and devices happens in {@link #open}.
 */
public interface GemmBackendProvider {

    /** Short name, e.g. {@code cuda}. */
    String name();

    /**
     * Probes the libraries and the device and returns a ready backend.
     *
     * @param precision the arithmetic asked for; the backend may fall back to FP32 and says so
     * @throws BackendUnavailableException with a reason people can act on, when it cannot run here
     */
    GemmBackend open(Precision precision) throws BackendUnavailableException;
}
