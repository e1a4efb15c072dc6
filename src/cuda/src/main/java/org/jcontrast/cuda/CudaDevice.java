package org.jcontrast.cuda;

import java.util.Locale;

/** What the probe learnt about the device: numbers from attribute queries, the name from the properties call. */
record CudaDevice(int ordinal, String name, int capabilityMajor, int capabilityMinor, int multiprocessors,
                  long totalMemory, int runtimeVersion) {

    /** Queries the current device, which must be {@code ordinal}. */
    static CudaDevice query(CudaRuntime cuda, int ordinal) {
        return new CudaDevice(ordinal,
                cuda.deviceName(ordinal).orElse("CUDA device " + ordinal),
                cuda.attribute(CudaRuntime.ATTRIBUTE_CAPABILITY_MAJOR, ordinal),
                cuda.attribute(CudaRuntime.ATTRIBUTE_CAPABILITY_MINOR, ordinal),
                cuda.attribute(CudaRuntime.ATTRIBUTE_MULTIPROCESSORS, ordinal),
                cuda.totalMemory(),
                cuda.runtimeVersion());
    }

    /** Tensor cores that take TF32 came with compute capability 8.0 (Ampere). */
    boolean hasTensorFloat32() {
        return capabilityMajor >= 8;
    }

    /** e.g. {@code sm_80}. */
    String architecture() {
        return "sm_" + capabilityMajor + capabilityMinor;
    }

    /** e.g. {@code NVIDIA A100 (sm_80, 108 SMs, 40.0 GiB, CUDA runtime 12.4)}. */
    String describe() {
        return String.format(Locale.ROOT, "%s (%s, %d SMs, %.1f GiB, CUDA runtime %d.%d)", name, architecture(),
                multiprocessors, totalMemory / (double) (1L << 30), runtimeVersion / 1000, runtimeVersion % 1000 / 10);
    }
}
