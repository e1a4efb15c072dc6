package org.jcontrast;

import java.util.Locale;

/**
 * Where an {@link Engine} computes its large matrix products (the similarity tiles of the losses
 * among them). A product the GPU cannot take, or any product after the GPU failed once, runs on the
 * CPU instead, with one log line saying why.
 * <p>Immutable and thread-safe.
 */
public enum Device {
    /** Always on the CPU kernels; no GPU library is even looked for. */
    CPU,
    /** On the GPU whenever it accepts the product, however small; on the CPU when there is none. */
    GPU,
    /** On the GPU for products large enough to pay for the transfers, else on the CPU. */
    AUTO;

    /** The name as the properties and the command line spell it: {@code cpu}, {@code gpu} or {@code auto}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code cpu}, {@code gpu} or {@code auto}, in any case.
     *
     * @param text the name
     * @return the device
     */
    public static Device parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the device must be cpu, gpu or auto, got '" + text + "'");
        }
    }
}
