/**
 * jcontrast-cuda: the large matrix products of jcontrast-core on an NVIDIA GPU, with cuBLAS called
 * through the FFM API. It exports nothing: on the module or class path it registers its backend,
 * which an {@code org.jcontrast.Engine} with device {@code gpu} or {@code auto} then uses. Native
 * access must be enabled for it ({@code --enable-native-access=org.jcontrast.cuda}, or
 * {@code ALL-UNNAMED} on the class path).
 */
module org.jcontrast.cuda {
    requires org.jcontrast.core;

    provides org.jcontrast.internal.backend.GemmBackendProvider with org.jcontrast.cuda.CudaBackendProvider;
}
