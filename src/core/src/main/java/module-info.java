/**
 * jcontrast-core: tensors, SIMD kernels, reverse-mode autograd, contrastive losses with exact
 * gradients, metrics, layers, optimisers and I/O, with no dependencies beyond the JDK.
 *
 * <p>The exported packages are the API; {@code org.jcontrast.internal.*} is not, and is open only
 * to jcontrast's own modules. {@code jdk.incubator.vector} is required so that on the module path
 * the Vector API kernels load without {@code --add-modules}; on the class path, without that flag,
 * the plain-Java twins compute everything.
 */
module org.jcontrast.core {
    requires jdk.incubator.vector;

    exports org.jcontrast;
    exports org.jcontrast.autograd;
    exports org.jcontrast.io;
    exports org.jcontrast.loss;
    exports org.jcontrast.metrics;
    exports org.jcontrast.nn;
    exports org.jcontrast.optim;
    exports org.jcontrast.tensor;

    exports org.jcontrast.internal.backend to org.jcontrast.cuda;
    exports org.jcontrast.internal.kernel to org.jcontrast.simclr;
    exports org.jcontrast.internal.tensor to org.jcontrast.simclr;

    uses org.jcontrast.internal.backend.GemmBackendProvider;
}
