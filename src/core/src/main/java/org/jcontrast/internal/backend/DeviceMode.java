package org.jcontrast.internal.backend;

import java.util.Locale;

/** Where matrix products run: {@code -Djcontrast.device=cpu|gpu|auto}. */
public enum DeviceMode {
    /** Always on the CPU kernels; no GPU library is even looked for. */
    CPU,
    /** On the GPU whenever it accepts the product, however small; on the CPU when there is none. */
    GPU,
    /** On the GPU for products large enough to pay for the transfers, else on the CPU. */
    AUTO;

    /** The name as the property and the command line spell it: {@code cpu}, {@code gpu} or {@code auto}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses {@code cpu}, {@code gpu} or {@code auto}, in any case. */
    public static DeviceMode parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the device must be cpu, gpu or auto, got '" + text + "'");
        }
    }
}
