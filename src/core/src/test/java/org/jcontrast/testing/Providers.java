package org.jcontrast.testing;

import java.util.ArrayList;
import java.util.List;
import org.jcontrast.internal.kernel.KernelProvider;

/** The kernel providers available in this JVM, for tests parameterised over both paths. */
public final class Providers {
    private Providers() {
    }

    /** The scalar provider, and the vector one when the incubator module is loaded. */
    public static List<KernelProvider> all() {
        List<KernelProvider> list = new ArrayList<>();
        list.add(KernelProvider.scalar());
        KernelProvider.vector().ifPresent(list::add);
        return list;
    }
}
