package org.jcontrast.internal.backend;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jcontrast.Device;

/**
 * Decides, product by product, whether a {@link GemmBackend} computes it, and falls back to the CPU
 * whenever it cannot: no backend, a product too small to pay, or a failure at run time.
 *
 * <p>The backend is opened lazily, on the first product the settings would send to it (or on
 * {@link #backend()}), so a JVM that never multiplies large matrices never loads a GPU library.
 * Each reason for using the CPU is logged once: a backend that cannot be opened (a warning when the
 * device is {@code gpu}; at debug level under {@code auto}, where the CPU is the expected outcome on
 * a machine without a GPU), and a backend that failed, which is then not used again by this router
 * (a failed device is not trusted).
 *
 * <p>The streaming losses ask {@link #residentSweeps} whether the backend runs their passes with the
 * embeddings resident on the device, under the same settings as their tile products.
 *
 * <p>Each {@link org.jcontrast.internal.Context} has one; {@link org.jcontrast.internal.tensor.Ops}
 * consults the current context's.
 */
public final class GemmRouter implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("org.jcontrast");

    private final OffloadSettings settings;
    private final Supplier<List<GemmBackendProvider>> providers;
    /** Null until probed; then the backend in use, or null with the reason. */
    private volatile Probe probe;
    /** Backends dropped after a failure: other threads may still be inside them, so they are closed with the router. */
    private final List<GemmBackend> dropped = new ArrayList<>();
    private final AtomicLong offloaded = new AtomicLong();

    /** Null until resident sweeps are first asked for; then the backend's, or the reason it has none. */
    private volatile Resident resident;

    private record Probe(GemmBackend backend, String reason) {
    }

    /** The backend's resident sweeps, or null with the reason. */
    private record Resident(GemmBackend backend, ResidentSweeps sweeps, String reason) {
    }

    /** A router over the providers registered with {@link ServiceLoader}. */
    public GemmRouter(OffloadSettings settings) {
        this(settings, GemmRouter::registeredProviders);
    }

    /** A router over the given providers, tried in order. */
    public GemmRouter(OffloadSettings settings, List<GemmBackendProvider> providers) {
        this(settings, () -> List.copyOf(providers));
    }

    private GemmRouter(OffloadSettings settings, Supplier<List<GemmBackendProvider>> providers) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.providers = providers;
    }

    /** The settings this router follows. */
    public OffloadSettings settings() {
        return settings;
    }

    /** The backend in use, opening it if not yet done; empty when the CPU computes everything. */
    public Optional<GemmBackend> backend() {
        return Optional.ofNullable(probed().backend());
    }

    /** Why no backend is in use (opening it if not yet done), or empty when one is. */
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(probed().reason());
    }

    /**
     * Whether an m×n×k product that does not read C would go to the backend now. Like the products
     * themselves, it opens the backend only when the settings would send such a product there.
     */
    public boolean offloads(int m, int n, int k) {
        return chosenFor(m, n, k, false) != null;
    }

    /** How many products the backend has computed for this router: what a report can say ran on the device. */
    public long offloadedProducts() {
        return offloaded.get();
    }

    /**
     * Computes C = alpha·op(A)·op(B) + beta·C on the backend when the settings send it there and the
     * backend accepts it; returns false, with C untouched, when the caller must compute it on the CPU.
     */
    public boolean gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                        float[] a, int offA, int lda, float[] b, int offB, int ldb,
                        float beta, float[] c, int offC, int ldc) {
        GemmBackend backend = chosenFor(m, n, k, beta != 0f);
        if (backend == null) {
            return false;
        }
        try {
            backend.gemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc);
            offloaded.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            disable(backend, "gemm", e);
            return false;
        }
    }

    /**
     * Computes the whole C = A·Aᵀ (A n×k) on the backend when the settings send it there and the
     * backend accepts it; returns false, with C untouched, when the caller must compute it on the CPU.
     */
    public boolean gram(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc) {
        GemmBackend backend = chosenFor(n, n, k, false);
        if (backend == null) {
            return false;
        }
        try {
            backend.gram(n, k, a, offA, lda, c, offC, ldc);
            offloaded.incrementAndGet();
            return true;
        } catch (RuntimeException e) {
            disable(backend, "gram", e);
            return false;
        }
    }

    /**
     * The backend's resident streaming-loss passes ({@link GemmBackend#residentSweeps()}) for a sweep
     * whose tile products are m×n×k: present when the settings send such products to the backend, as
     * {@link #offloads} says, and it has them. When it has none the reason is logged once (at info
     * level when the device is {@code gpu}, else debug) and the loss sends its tile products one by one.
     */
    public Optional<ResidentSweeps> residentSweeps(int m, int n, int k) {
        GemmBackend backend = chosenFor(m, n, k, false);
        return backend == null ? Optional.empty() : Optional.ofNullable(residentOf(backend).sweeps());
    }

    /**
     * Why the backend in use runs no resident sweeps (asking it if not yet done), or the reason there
     * is no backend; empty when it runs them.
     */
    public Optional<String> residentUnavailableReason() {
        GemmBackend backend = probed().backend();
        if (backend == null) {
            return unavailableReason();
        }
        Resident r = residentOf(backend);
        return r.sweeps() == null ? Optional.of(r.reason()) : Optional.empty();
    }

    /** Resident passes completed on this router's backend: what a report can say ran resident on the device. */
    public long residentPasses() {
        Resident r = resident;
        return r == null || r.sweeps() == null ? 0 : r.sweeps().passes();
    }

    /**
     * Reports that {@code sweeps} failed: logged once, and their backend is not used again by this
     * router, as after a failed product. The caller computes the pass on the CPU.
     */
    public void residentFailed(ResidentSweeps sweeps, RuntimeException e) {
        Resident r = resident;
        if (r != null && r.sweeps() == sweeps) {
            disable(r.backend(), "streaming loss", e);
        }
    }

    /**
     * Closes the backends this router opened, the one in use and any dropped after a failure; later
     * products run on the CPU. Call it once no other thread computes through the router.
     */
    @Override
    public synchronized void close() {
        Probe p = probe;
        probe = new Probe(null, "the router was closed");
        if (p != null && p.backend() != null) {
            dropped.add(p.backend());
        }
        List<GemmBackend> closing = List.copyOf(dropped);
        dropped.clear();
        Releases.all(closing.stream().<Runnable>map(b -> b::close).toList());
    }

    private GemmBackend chosenFor(int m, int n, int k, boolean readsC) {
        if (!settings.offloads(m, n, k, readsC)) {
            return null;
        }
        GemmBackend backend = probed().backend();
        return backend != null && backend.accepts(m, n, k) ? backend : null;
    }

    private synchronized Resident residentOf(GemmBackend backend) {
        Resident r = resident;
        if (r != null && r.backend() == backend) {
            return r;
        }
        try {
            r = backend.residentSweeps().map(sweeps -> new Resident(backend, sweeps, null)).orElseGet(
                    () -> new Resident(backend, null, backend.name() + " runs no streaming loss on the device"));
        } catch (BackendUnavailableException e) {
            r = unavailable(backend, e.getMessage());
        } catch (RuntimeException | LinkageError e) {
            r = unavailable(backend, backend.name() + ": the resident sweeps failed to start: " + e);
        }
        resident = r;
        return r;
    }

    /** Resident sweeps the backend has but cannot run here: logged once, as the CPU fallback is. */
    private Resident unavailable(GemmBackend backend, String reason) {
        LOG.log(settings.device() == Device.GPU ? Level.INFO : Level.DEBUG,
                "jcontrast sends the streaming losses' tile products to the device one by one: " + reason);
        return new Resident(backend, null, reason);
    }

    private Probe probed() {
        Probe p = probe;
        if (p == null) {
            synchronized (this) {
                p = probe;
                if (p == null) {
                    p = open();
                    probe = p;
                }
            }
        }
        return p;
    }

    private Probe open() {
        if (settings.device() == Device.CPU) {
            return new Probe(null, "the device is set to cpu");
        }
        List<String> reasons = new ArrayList<>();
        List<GemmBackendProvider> found;
        try {
            found = providers.get();
        } catch (ServiceConfigurationError e) {
            found = List.of();
            reasons.add("the backend providers could not be loaded: " + e.getMessage());
        }
        for (GemmBackendProvider provider : found) {
            try {
                return new Probe(provider.open(settings.precision()), null);
            } catch (BackendUnavailableException e) {
                reasons.add(provider.name() + ": " + e.getMessage());
            } catch (RuntimeException | LinkageError e) {
                reasons.add(provider.name() + ": failed to open: " + e);
            }
        }
        if (found.isEmpty() && reasons.isEmpty()) {
            // Nothing to log: the GPU backend (jcontrast-cuda) is simply not on the class path.
            return new Probe(null, "no GPU backend on the class path (jcontrast-cuda provides one)");
        }
        String reason = String.join("; ", reasons);
        LOG.log(settings.device() == Device.GPU ? Level.WARNING : Level.DEBUG,
                "jcontrast computes matrix products on the CPU: " + reason);
        return new Probe(null, reason);
    }

    private synchronized void disable(GemmBackend backend, String what, RuntimeException e) {
        Probe p = probe;
        if (p == null || p.backend() != backend) {
            return; // another thread already disabled it and logged
        }
        String reason = backend.name() + " " + what + " failed, so matrix products run on the CPU from now on: " + e;
        probe = new Probe(null, reason);
        dropped.add(backend);
        LOG.log(Level.WARNING, "jcontrast: " + reason);
    }

    private static List<GemmBackendProvider> registeredProviders() {
        List<GemmBackendProvider> list = new ArrayList<>();
        ServiceLoader.load(GemmBackendProvider.class).forEach(list::add);
        return list;
    }
}
