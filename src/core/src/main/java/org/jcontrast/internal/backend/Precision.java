package org.jcontrast.internal.backend;

/** The arithmetic of a device's matrix products. */
public enum Precision {
    /** IEEE float32 multiply-adds, as on the CPU. */
    FP32,
    /**
     * Inputs rounded to TF32 (10-bit mantissa) on tensor cores, sums in float32: several times
     * faster on NVIDIA GPUs since Ampere, with a relative error near 1e-3 instead of 1e-7.
     */
    TF32
}
