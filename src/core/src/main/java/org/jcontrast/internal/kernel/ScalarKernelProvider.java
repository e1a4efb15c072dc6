package org.jcontrast.internal.kernel;

import java.util.List;

/** The plain-Java kernels: the reference every fast path is tested against, and the fallback. */
final class ScalarKernelProvider extends KernelProvider {
    static final ScalarKernelProvider INSTANCE = new ScalarKernelProvider();

    private final GemmKernel gemm = new ScalarGemm();
    private final ArrayKernel array = new ScalarArrayKernel();

    private ScalarKernelProvider() {
    }

    @Override
    public String name() {
        return "scalar";
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
        return "scalar (plain Java loops)";
    }

    @Override
    public int vectorBits() {
        return 0;
    }

    @Override
    KernelProvider atWidth(int bits) {
        return this;
    }

    @Override
    List<Integer> widths() {
        return List.of();
    }

    @Override
    public List<KernelProvider> tileShapes() {
        return List.of(this);
    }
}
