package org.jcontrast;

import java.util.Locale;

/**
 * Which kernels an {@link Engine} computes with. Every kernel has a plain-Java twin, which is the
 * reference the Vector API path is tested against and the fallback where the incubator module
 * {@code jdk.incubator.vector} is not loaded.
 * <p>Immutable and thread-safe.
 */
public enum Simd {
    /** The Vector API kernels when {@code jdk.incubator.vector} is loaded, else the plain-Java twins (logged once). */
    AUTO,
    /** The plain-Java twins. */
    SCALAR,
    /** The Vector API kernels; building an engine fails, naming the reason, when they cannot load. */
    VECTOR;

    /** The name as the properties and the command line spell it: {@code auto}, {@code scalar} or {@code vector}. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Parses {@code auto}, {@code scalar} or {@code vector}, in any case; blank means {@code auto}.
     *
     * @param text the name, or blank
     * @return the choice
     */
    public static Simd parse(String text) {
        if (text.isBlank()) {
            return AUTO;
        }
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the SIMD choice must be auto, scalar or vector, got '" + text + "'");
        }
    }
}
