package org.jcontrast.internal.kernel;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The Vector API kernels at one vector width. Loaded by name from {@link KernelProvider} only when
 * the incubator module is present, so no other class refers to {@code jdk.incubator.vector}.
 * Each width's kernels are copies of their own, made once per JVM (see {@link VectorWidths}).
 */
final class PanamaKernelProvider extends KernelProvider {
    /** The providers of the narrower widths, made on first use; the widest is the one loaded by name. */
    private static final ConcurrentMap<Integer, PanamaKernelProvider> NARROWER = new ConcurrentHashMap<>();

    private final int bits;
    private final int tileRows;
    private final GemmKernel gemm;
    private final ArrayKernel array;

    /** The widest vectors; the constructor {@link KernelProvider} calls by name. */
    PanamaKernelProvider() {
        this(VectorWidths.widest());
    }

    private PanamaKernelProvider(int bits) {
        this(bits, VectorWidths.tileRows());
    }

    private PanamaKernelProvider(int bits, int tileRows) {
        this.bits = bits;
        this.tileRows = tileRows;
        this.gemm = VectorWidths.instance(PanamaGemm.class, GemmKernel.class, bits, tileRows);
        this.array = VectorWidths.instance(PanamaArrayKernel.class, ArrayKernel.class, bits, tileRows);
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
        return "vector (jdk.incubator.vector, " + bits + "-bit, " + bits / Float.SIZE + " floats per vector, "
                + tileRows + "×" + 2 * bits / Float.SIZE + " GEMM tile)";
    }

    @Override
    public int vectorBits() {
        return bits;
    }

    @Override
    KernelProvider atWidth(int width) {
        if (width == bits) {
            return this;
        }
        if (!widths().contains(width)) {
            throw new IllegalArgumentException("the vector size must be one of " + widths()
                    + " bits on this CPU (its widest vectors are " + VectorWidths.widest() + " bits), got " + width);
        }
        return NARROWER.computeIfAbsent(width, PanamaKernelProvider::new);
    }

    @Override
    public List<KernelProvider> tileShapes() {
        return VectorWidths.allTileRows().stream()
                .map(rows -> rows == tileRows ? this : (KernelProvider) new PanamaKernelProvider(bits, rows))
                .toList();
    }

    @Override
    List<Integer> widths() {
        return VectorWidths.supported();
    }
}
