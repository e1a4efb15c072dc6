package org.jcontrast.internal.backend;

import java.util.Locale;
import java.util.Objects;
import org.jcontrast.Device;
import org.jcontrast.internal.Context;

/**
 * Which products go to a {@link GemmBackend}: the device mode, the precision and, for
 * {@link Device#AUTO}, the size threshold.
 *
 * <p>The default threshold comes from a rough crossover. An offloaded product pays a fixed cost of
 * about 0.2 ms (device allocations, a few stream synchronisations, the launch): 1e9 flops, about
 * 5 ms on a many-core CPU at 200 GFLOP/s, keeps that under a few percent. It also pays for moving
 * every operand byte from the Java heap into pinned memory and over PCIe, about 7 GB/s end to
 * end, so it only wins when the product does more than about 200/7 ≈ 30 flops per byte moved:
 * hence {@link #MIN_INTENSITY}. For the Gram matrix of n embeddings of width d that is d/2 flops
 * per byte, so widths of 64 and more go to the GPU.
 */
public record OffloadSettings(Device device, Precision precision, double thresholdFlops) {
    /** Default of {@code -Djcontrast.gpu.threshold}: products of at least this many flops (2·m·n·k). */
    public static final double DEFAULT_THRESHOLD_FLOPS = 1e9;
    /** In {@link Device#AUTO}, the fewest flops per byte moved to and from the device that pay. */
    public static final double MIN_INTENSITY = 32;

    /** Checks the values. */
    public OffloadSettings {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(precision, "precision");
        if (!(thresholdFlops >= 0) || Double.isInfinite(thresholdFlops)) {
            throw new IllegalArgumentException("the GPU threshold must be a finite number of flops ≥ 0, got "
                    + thresholdFlops);
        }
    }

    /**
     * The settings given by {@code -Djcontrast.device=cpu|gpu|auto} (default auto),
     * {@code -Djcontrast.gpu.tf32=true|false} (default false) and {@code -Djcontrast.gpu.threshold=FLOPS}.
     *
     * @throws IllegalArgumentException naming the property when one is invalid
     */
    public static OffloadSettings fromSystemProperties() {
        return new OffloadSettings(deviceProperty(), precisionProperty(), thresholdProperty());
    }

    /** {@code -Djcontrast.device}, default auto. */
    public static Device deviceProperty() {
        return Context.named("jcontrast.device", () -> Device.parse(System.getProperty("jcontrast.device", "auto")));
    }

    /** {@code -Djcontrast.gpu.tf32}: TF32 when true, FP32 by default. */
    public static Precision precisionProperty() {
        String tf32 = System.getProperty("jcontrast.gpu.tf32", "false").trim();
        if (!tf32.equalsIgnoreCase("true") && !tf32.equalsIgnoreCase("false")) {
            throw new IllegalArgumentException("-Djcontrast.gpu.tf32 must be true or false, got '" + tf32 + "'");
        }
        return Boolean.parseBoolean(tf32) ? Precision.TF32 : Precision.FP32;
    }

    /** {@code -Djcontrast.gpu.threshold}, default {@value #DEFAULT_THRESHOLD_FLOPS}. */
    public static double thresholdProperty() {
        String threshold = System.getProperty("jcontrast.gpu.threshold");
        if (threshold == null || threshold.isBlank()) {
            return DEFAULT_THRESHOLD_FLOPS;
        }
        try {
            double flops = Double.parseDouble(threshold.trim());
            if (flops >= 0 && !Double.isInfinite(flops)) {
                return flops;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("-Djcontrast.gpu.threshold must be a finite number of flops ≥ 0, got '"
                + threshold + "'");
    }

    /**
     * Whether an m×n×k product (C read too when {@code readsC}) should go to the device, before
     * asking the device whether it fits.
     */
    public boolean offloads(int m, int n, int k, boolean readsC) {
        if (m <= 0 || n <= 0 || k <= 0) {
            return false;
        }
        return switch (device) {
            case CPU -> false;
            case GPU -> true;
            case AUTO -> {
                double flops = 2.0 * m * n * k;
                double bytes = 4.0 * ((double) m * k + (double) k * n + (readsC ? 2.0 : 1.0) * m * n);
                yield flops >= thresholdFlops && flops / bytes >= MIN_INTENSITY;
            }
        };
    }

    /** The settings in words, e.g. {@code auto, FP32, products ≥ 1e9 flops}. */
    public String describe() {
        return switch (device) {
            case CPU -> device.toString();
            case GPU -> device + ", " + precision;
            case AUTO -> device + ", " + precision + ", products ≥ " + String.format(Locale.ROOT, "%.3g",
                    thresholdFlops) + " flops and ≥ " + (int) MIN_INTENSITY + " flops/byte";
        };
    }
}
