package org.jcontrast.internal.kernel;

import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * Chooses the kernel implementations once per JVM, as Lucene's {@code VectorizationProvider} does.
 *
 * <p>The Vector API implementation is loaded by name, and only when the incubator module
 * {@code jdk.incubator.vector} is in the boot layer; its classes are never touched otherwise,
 * so the library runs everywhere and the plain-Java twins serve as both fallback and reference.
 * {@code -Djcontrast.simd=scalar|vector} forces a path.
 */
public abstract class KernelProvider {
    private static final String VECTOR_MODULE = "jdk.incubator.vector";
    private static final String VECTOR_PROVIDER = "org.jcontrast.internal.kernel.PanamaKernelProvider";
    private static final System.Logger LOG = System.getLogger("org.jcontrast");

    /** Short name of the path: {@code scalar} or {@code vector}. */
    public abstract String name();

    /** Matrix products. */
    public abstract GemmKernel gemm();

    /** Elementwise and reduction primitives. */
    public abstract ArrayKernel array();

    /** A line describing the path, e.g. the SIMD width. */
    public abstract String describe();

    /** The provider chosen for this JVM. */
    public static KernelProvider get() {
        return Holder.INSTANCE;
    }

    /** The plain-Java implementation, always available. */
    public static KernelProvider scalar() {
        return ScalarKernelProvider.INSTANCE;
    }

    /** The Vector API implementation, when {@code jdk.incubator.vector} is available. */
    public static Optional<KernelProvider> vector() {
        return Optional.ofNullable(VectorHolder.INSTANCE);
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

    private static final class Holder {
        static final KernelProvider INSTANCE = choose();

        private static KernelProvider choose() {
            String forced = System.getProperty("jcontrast.simd", "").trim();
            switch (forced) {
                case "scalar":
                    return scalar();
                case "vector":
                    return vector().orElseThrow(() -> new IllegalStateException(
                            "-Djcontrast.simd=vector was given but " + VectorHolder.REASON));
                case "":
                    break;
                default:
                    throw new IllegalArgumentException("-Djcontrast.simd must be scalar or vector, got '"
                            + forced + "'");
            }
            if (vector().isPresent()) {
                return vector().get();
            }
            LOG.log(Level.WARNING, "jcontrast uses its scalar kernels: " + VectorHolder.REASON);
            return scalar();
        }
    }
}
