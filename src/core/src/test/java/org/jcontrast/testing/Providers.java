package org.jcontrast.testing;

import java.util.ArrayList;
import java.util.List;
import org.jcontrast.internal.kernel.KernelProvider;

/** The kernel providers available in this JVM, for tests parameterised over both paths and every vector width. */
public final class Providers {
    private Providers() {
    }

    /**
     * The scalar provider, and when the incubator module is loaded the vector one at each width this
     * CPU runs natively: an AVX-512 host tests the AVX2 and SSE widths too.
     */
    public static List<KernelProvider> all() {
        List<KernelProvider> list = new ArrayList<>();
        list.add(KernelProvider.scalar());
        for (int bits : KernelProvider.vectorWidths()) {
            list.add(KernelProvider.vector(bits));
        }
        return list;
    }

    /** A provider's name with its width, e.g. {@code vector-256}, for test names. */
    public static String label(KernelProvider p) {
        return p.vectorBits() == 0 ? p.name() : p.name() + "-" + p.vectorBits();
    }
}
