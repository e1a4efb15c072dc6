package org.jcontrast.internal.loss;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.backend.GemmBackend;
import org.jcontrast.internal.backend.Precision;
import org.jcontrast.internal.backend.ResidentSweeps;

/**
 * A test backend on the CPU kernel: counts its products, fails from product {@code failAt} on, and
 * offers the given resident sweeps (none when null). Safe for the sweeps' threads (the count is atomic).
 */
final class KernelBackend implements GemmBackend {
    final AtomicInteger calls = new AtomicInteger();
    private final int failAt;
    private final ResidentSweeps resident;

    KernelBackend(int failAt) {
        this(failAt, null);
    }

    KernelBackend(int failAt, ResidentSweeps resident) {
        this.failAt = failAt;
        this.resident = resident;
    }

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public String describe() {
        return "the CPU kernel behind the backend interface";
    }

    @Override
    public Precision precision() {
        return Precision.FP32;
    }

    @Override
    public boolean accepts(int m, int n, int k) {
        return m > 0 && n > 0 && k > 0;
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int offA, int lda,
                     float[] b, int offB, int ldb, float beta, float[] c, int offC, int ldc) {
        if (calls.incrementAndGet() >= failAt) {
            throw new IllegalStateException("kernel backend failed on purpose");
        }
        Context.current().kernels().gemm().gemm(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC,
                ldc);
    }

    @Override
    public void gram(int n, int k, float[] a, int offA, int lda, float[] c, int offC, int ldc) {
        gemm(false, true, n, n, k, 1f, a, offA, lda, a, offA, lda, 0f, c, offC, ldc);
    }

    @Override
    public Optional<ResidentSweeps> residentSweeps() {
        return Optional.ofNullable(resident);
    }

    @Override
    public void close() {
    }
}
