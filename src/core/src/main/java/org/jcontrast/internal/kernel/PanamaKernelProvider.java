package org.jcontrast.internal.kernel;

import jdk.incubator.vector.FloatVector;

/**
 * The Vector API kernels. Loaded by name from {@link KernelProvider} only when the incubator
 * module is present, so no other class refers to {@code jdk.incubator.vector}.
 */
final class PanamaKernelProvider extends KernelProvider {
    private final GemmKernel gemm = new PanamaGemm();
    private final ArrayKernel array = new PanamaArrayKernel();

    PanamaKernelProvider() {
    }

    @Override
    public String name() {
        return "vector";
    }

    @Override
    public GemmKernel gemm() {
        return gemm;
    }

    @Override
    public ArrayKernel array() {
        return array;
    }

    @Override
    public String describe() {
        return "vector (jdk.incubator.vector, " + FloatVector.SPECIES_PREFERRED.vectorBitSize() + "-bit, "
                + FloatVector.SPECIES_PREFERRED.length() + " floats per vector)";
    }
}
