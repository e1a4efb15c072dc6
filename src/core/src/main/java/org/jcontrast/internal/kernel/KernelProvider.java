package org.jcontrast.internal.kernel;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jcontrast.Simd;

/**
 * The kernel implementations, as Lucene's {@code VectorizationProvider}: a plain-Java twin and a
 * Vector API implementation of each kernel, one provider for each.
 *
 * <p>The Vector API implementation is loaded by name, and only when the incubator module
 * {@code jdk.incubator.vector} is in the boot layer; its classes are never touched otherwise,
 * so the library runs everywhere and the plain-Java twins serve as both fallback and reference.
 * Which one a computation uses is its context's {@link Simd} choice. The Vector API kernels come
 * in each vector width the CPU runs natively (128, 256 and, with AVX-512, 512 bits), the widest by
 * default, so that one host can run, and test, the path of a narrower one.
 */
public abstract class KernelProvider {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_PROVIDER = "org.jcontrast.internal.kernel.PanamaKernelProvider";
    private static final System.Logger LOG = System.getLogger("org.jcontrast");
    private static final AtomicBoolean FALLBACK_LOGGED = new AtomicBoolean();

    /** Short name of the path: {@code scalar} or {@code vector}. */
    public abstract String name();

    /** Matrix products. */
    public abstract GemmKernel gemm();

    /** Elementwise and reduction primitives. */
    public abstract ArrayKernel array();

    /** A line describing the path, e.g. the SIMD width. */
    public abstract String describe();

    /** The vector width in bits, or 0 for the plain-Java kernels. */
    public abstract int vectorBits();

    /** This path at another vector width; the plain-Java kernels have none and return themselves. */
    abstract KernelProvider atWidth(int bits);

    /**
     * This path with each GEMM micro-tile shape it has, itself included, so that tests run every
     * shape on every host and benchmarks compare them (the plain-Java kernels have one: themselves).
     * Each call makes new copies of the shapes not in use.
     */
    public abstract List<KernelProvider> tileShapes();

    /** The vector widths this path offers, narrowest first (none for the plain-Java kernels). */
    abstract List<Integer> widths();

    /**
     * The provider for {@code simd} with vectors of {@code vectorBits} (0: the widest this CPU has):
     * {@link Simd#AUTO} takes the Vector API one when it loads and otherwise the scalar one, logging
     * the reason once per JVM. The width is ignored by the scalar kernels.
     *
     * @throws IllegalArgumentException for {@link Simd#VECTOR} when the Vector API implementation cannot
     *                                  load, or when the Vector API kernels would run at a width this CPU lacks
     */
    public static KernelProvider choose(Simd simd, int vectorBits) {
        KernelProvider chosen = choose(simd);
        return vectorBits == 0 ? chosen : chosen.atWidth(vectorBits);
    }

    private static KernelProvider choose(Simd simd) {
        return switch (simd) {
            case SCALAR -> scalar();
            case VECTOR -> vector().orElseThrow(() -> new IllegalArgumentException(
                    "the vector kernels were asked for but " + VectorHolder.REASON));
            case AUTO -> vector().orElseGet(() -> {
                if (FALLBACK_LOGGED.compareAndSet(false, true)) {
                    LOG.log(Level.WARNING, "jcontrast uses its scalar kernels: " + VectorHolder.REASON);
                }
                return scalar();
            });
        };
    }

    /** The plain-Java implementation, always available. */
    public static KernelProvider scalar() {
        return ScalarKernelProvider.INSTANCE;
    }

    /** The Vector API implementation, when {@code jdk.incubator.vector} is available. */
    public static Optional<KernelProvider> vector() {
        return Optional.ofNullable(VectorHolder.INSTANCE);
    }

    /**
     * The Vector API implementation with vectors of {@code bits} bits.
     *
     * @throws IllegalArgumentException when it cannot load or this CPU has no vectors that wide
     */
    public static KernelProvider vector(int bits) {
        return vector().orElseThrow(() -> new IllegalArgumentException(
                "the vector kernels were asked for but " + VectorHolder.REASON)).atWidth(bits);
    }

    /** The vector widths in bits this CPU runs natively, narrowest first; empty when the Vector API cannot load. */
    public static List<Integer> vectorWidths() {
        return vector().map(KernelProvider::widths).orElse(List.of());
    }

    /** Why the vector path is not in use, or empty when it is. */
    public static Optional<String> vectorUnavailableReason() {
        return Optional.ofNullable(VectorHolder.REASON);
    }

    private static final class VectorHolder {
        static final KernelProvider INSTANCE;
        static final String REASON;

        static {
            KernelProvider found = null;
            String reason = null;
            if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
                reason = "the module " + VECTOR_MODULE + " is not loaded; add the JVM flag --add-modules "
                        + VECTOR_MODULE;
            } else {
                try {
                    found = (KernelProvider) Class.forName(VECTOR_PROVIDER).getDeclaredConstructor().newInstance();
                } catch (ReflectiveOperationException | LinkageError e) {
                    reason = "the Vector API implementation failed to load: " + e;
                }
            }
            INSTANCE = found;
            REASON = reason;
        }
    }
}
