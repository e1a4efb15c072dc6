package org.jcontrast.internal.backend;

import java.util.Locale;
import java.util.Objects;

/**
 * Which products go to a {@link GemmBackend}: the device mode, the precision and, for
 * {@link DeviceMode#AUTO}, the size threshold.
 *
 * <p>The default threshold comes from a rough crossover. An offloaded product pays a fixed cost of
 * about 0.2 ms (device allocations, a few stream synchronisations, the launch): 1e9 flops, about
 * 5 ms on a many-core CPU at 200 GFLOP/s, keeps that under a few percent. It also pays for moving
 * every operand byte from the Java heap into pinned memory and over PCIe, about 7 GB/s end to
 * end, so it only wins when the product does more than about 200/7 ≈ 30 flops per byte moved:
 * hence {@link #MIN_INTENSITY}. For the Gram matrix of n embeddings of width d that is d/2 flops
 * per byte, so widths of 64 and more go to the GPU.
 */
public record OffloadSettings(DeviceMode device, Precision precision, double thresholdFlops) {
    /** Default of {@code -Djcontrast.gpu.threshold}: products of at least this many flops (2·m·n·k). */
    public static final double DEFAULT_THRESHOLD_FLOPS = 1e9;
    /** In {@link DeviceMode#AUTO}, the fewest flops per byte moved to and from the device that pay. */
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
     */
    public static OffloadSettings fromSystemProperties() {
        DeviceMode device = DeviceMode.parse(System.getProperty("jcontrast.device", "auto"));
        Precision precision = Boolean.parseBoolean(System.getProperty("jcontrast.gpu.tf32", "false").trim())
                ? Precision.TF32 : Precision.FP32;
        String threshold = System.getProperty("jcontrast.gpu.threshold");
        double flops = DEFAULT_THRESHOLD_FLOPS;
        if (threshold != null && !threshold.isBlank()) {
            try {
                flops = Double.parseDouble(threshold.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-Djcontrast.gpu.threshold must be a number of flops, got '"
                        + threshold + "'");
            }
        }
        return new OffloadSettings(device, precision, flops);
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
