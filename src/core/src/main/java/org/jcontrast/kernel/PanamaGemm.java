package org.jcontrast.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Packed, register-blocked SGEMM on the Vector API, laid out as in BLIS: B is packed into
 * {@code KC×NR} column panels, A into {@code MR×KC} row panels, and a micro-kernel keeps an
 * {@code MR×NR} tile of C in {@code MR·2} vector registers across the whole k-block.
 *
 * <p>MR = 4 and NR = two vectors (16 floats on AVX2) gives 8 accumulators: on a 16-register
 * machine C2 keeps them, the two B vectors and one broadcast of A in registers; wider tiles
 * spill and lose 20–30%. The packed panels are padded with zeros to whole tiles, so the
 * micro-kernel never branches; tiles that overhang C, or cross the diagonal in the symmetric
 * product, are written through a small buffer.
 */
final class PanamaGemm implements GemmKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final int MR = 4;
    private static final int NR = 2 * L;
    private static final int KC = 256;
    private static final int MC = 96;
    private static final int NC = 2048;
    /** {@code diag} value that disables the triangle limit. */
    private static final int NO_DIAGONAL = Integer.MAX_VALUE / 2;

    /** Per-thread packing buffers, allocated once: no allocation in the hot loops. */
    private static final class Workspace {
        final float[] packedA = new float[MC * KC];
        final float[] packedB = new float[KC * roundUp(NC, NR)];
        final float[] tile = new float[MR * NR];
    }

    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
                     float[] a, int offA, int lda, float[] b, int offB, int ldb,
                     float beta, float[] c, int offC, int ldc) {
        GemmChecks.gemm(transA, transB, m, n, k, a, offA, lda, b, offB, ldb, c, offC, ldc);
        drive(transA, transB, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c, offC, ldc, NO_DIAGONAL);
    }

    @Override
    public void syrkLower(int rowStart, int rowEnd, int k, float alpha, float[] a, int offA, int lda,
                          float beta, float[] c, int offC, int ldc) {
        GemmChecks.syrk(rowStart, rowEnd, k, a, offA, lda, c, offC, ldc);
        // Rows [rowStart, rowEnd) of A times Aᵀ, columns 0..rowEnd-1, keeping (i, j) with j ≤ i.
        drive(false, true, rowEnd - rowStart, rowEnd, k, alpha, a, offA + rowStart * lda, lda,
                a, offA, lda, beta, c, offC + rowStart * ldc, ldc, rowStart);
    }

    /**
     * The blocked loops. Local element (i, j) of C is written only when {@code j ≤ i + diag}.
     */
    private static void drive(boolean transA, boolean transB, int m, int n, int k, float alpha,
                              float[] a, int offA, int lda, float[] b, int offB, int ldb,
                              float beta, float[] c, int offC, int ldc, int diag) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scaleOnly(m, n, beta, c, offC, ldc, diag);
            return;
        }
        Workspace ws = WORKSPACE.get();
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            if (jc > m - 1 + diag) {
                break;
            }
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean first = pc == 0;
                packB(transB, b, offB, ldb, pc, kc, jc, nc, ws.packedB);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    if (jc > ic + mc - 1 + diag) {
                        continue;
                    }
                    packA(transA, a, offA, lda, ic, mc, pc, kc, ws.packedA);
                    macroKernel(ws, mc, nc, kc, alpha, first ? beta : 1f, c,
                            offC + ic * ldc + jc, ldc, ic - jc + diag);
                }
            }
        }
    }

    /** Runs the micro-kernel over one packed A block and one packed B block. */
    private static void macroKernel(Workspace ws, int mc, int nc, int kc, float alpha, float beta,
                                    float[] c, int offC, int ldc, int diag) {
        float[] pa = ws.packedA;
        float[] pb = ws.packedB;
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            for (int ir = 0; ir < mc; ir += MR) {
                int mr = Math.min(MR, mc - ir);
                int lastAllowed = ir + mr - 1 + diag;
                if (jr > lastAllowed) {
                    continue;
                }
                int cOff = offC + ir * ldc + jr;
                if (mr == MR && nr == NR && jr + NR - 1 <= ir + diag) {
                    microKernel(kc, pa, ir * kc, pb, jr * kc, alpha, beta, c, cOff, ldc);
                } else {
                    float[] t = ws.tile;
                    microKernel(kc, pa, ir * kc, pb, jr * kc, 1f, 0f, t, 0, NR);
                    for (int i = 0; i < mr; i++) {
                        int jEnd = Math.min(nr, ir + i + diag - jr + 1);
                        for (int j = 0; j < jEnd; j++) {
                            int ci = cOff + i * ldc + j;
                            float v = alpha * t[i * NR + j];
                            c[ci] = beta == 0f ? v : beta * c[ci] + v; // rounds as microKernel does
                        }
                    }
                }
            }
        }
    }

    /**
     * C[0:MR, 0:NR] = alpha·(Ã·B̃) + beta·C over kc packed steps; beta = 0 does not read C.
     * The stores are written out here rather than in a helper: a vector handed to a method that
     * C2 declines to inline is boxed, which costs 10–20× here.
     */
    private static void microKernel(int kc, float[] pa, int ai, float[] pb, int bi, float alpha, float beta,
                                    float[] c, int cOff, int ldc) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(S, pb, bi);
            FloatVector b1 = FloatVector.fromArray(S, pb, bi + L);
            FloatVector x = FloatVector.broadcast(S, pa[ai]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, pa[ai + 1]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, pa[ai + 2]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, pa[ai + 3]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            ai += MR;
            bi += NR;
        }
        int r0 = cOff, r1 = cOff + ldc, r2 = cOff + 2 * ldc, r3 = cOff + 3 * ldc;
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, r0);
            c01.mul(alpha).intoArray(c, r0 + L);
            c10.mul(alpha).intoArray(c, r1);
            c11.mul(alpha).intoArray(c, r1 + L);
            c20.mul(alpha).intoArray(c, r2);
            c21.mul(alpha).intoArray(c, r2 + L);
            c30.mul(alpha).intoArray(c, r3);
            c31.mul(alpha).intoArray(c, r3 + L);
        } else {
            FloatVector.fromArray(S, c, r0).mul(beta).add(c00.mul(alpha)).intoArray(c, r0);
            FloatVector.fromArray(S, c, r0 + L).mul(beta).add(c01.mul(alpha)).intoArray(c, r0 + L);
            FloatVector.fromArray(S, c, r1).mul(beta).add(c10.mul(alpha)).intoArray(c, r1);
            FloatVector.fromArray(S, c, r1 + L).mul(beta).add(c11.mul(alpha)).intoArray(c, r1 + L);
            FloatVector.fromArray(S, c, r2).mul(beta).add(c20.mul(alpha)).intoArray(c, r2);
            FloatVector.fromArray(S, c, r2 + L).mul(beta).add(c21.mul(alpha)).intoArray(c, r2 + L);
            FloatVector.fromArray(S, c, r3).mul(beta).add(c30.mul(alpha)).intoArray(c, r3);
            FloatVector.fromArray(S, c, r3 + L).mul(beta).add(c31.mul(alpha)).intoArray(c, r3 + L);
        }
    }

    /** Packs A[ic:ic+mc, pc:pc+kc] into MR-row panels, each laid out k-major, zero-padded. */
    private static void packA(boolean transA, float[] a, int offA, int lda, int ic, int mc, int pc, int kc,
                              float[] pa) {
        for (int ir = 0; ir < mc; ir += MR) {
            int base = ir * kc;
            int mr = Math.min(MR, mc - ir);
            for (int r = 0; r < MR; r++) {
                if (r >= mr) {
                    for (int p = 0; p < kc; p++) {
                        pa[base + p * MR + r] = 0f;
                    }
                } else if (transA) {
                    int src = offA + pc * lda + ic + ir + r;
                    for (int p = 0; p < kc; p++) {
                        pa[base + p * MR + r] = a[src + p * lda];
                    }
                } else {
                    int src = offA + (ic + ir + r) * lda + pc;
                    for (int p = 0; p < kc; p++) {
                        pa[base + p * MR + r] = a[src + p];
                    }
                }
            }
        }
    }

    /** Packs op(B)[pc:pc+kc, jc:jc+nc] into NR-column panels, each laid out k-major, zero-padded. */
    private static void packB(boolean transB, float[] b, int offB, int ldb, int pc, int kc, int jc, int nc,
                              float[] pb) {
        for (int jr = 0; jr < nc; jr += NR) {
            int base = jr * kc;
            int nr = Math.min(NR, nc - jr);
            if (!transB) {
                for (int p = 0; p < kc; p++) {
                    int src = offB + (pc + p) * ldb + jc + jr;
                    int dst = base + p * NR;
                    System.arraycopy(b, src, pb, dst, nr);
                    for (int j = nr; j < NR; j++) {
                        pb[dst + j] = 0f;
                    }
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j >= nr) {
                        for (int p = 0; p < kc; p++) {
                            pb[base + p * NR + j] = 0f;
                        }
                    } else {
                        int src = offB + (jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) {
                            pb[base + p * NR + j] = b[src + p];
                        }
                    }
                }
            }
        }
    }

    /** k = 0: C = beta·C on the allowed entries (BLAS semantics: beta = 0 writes zeros). */
    private static void scaleOnly(int m, int n, float beta, float[] c, int offC, int ldc, int diag) {
        for (int i = 0; i < m; i++) {
            int jEnd = (int) Math.min(n, (long) i + diag + 1);
            for (int j = 0; j < jEnd; j++) {
                int ci = offC + i * ldc + j;
                c[ci] = beta == 0f ? 0f : beta * c[ci];
            }
        }
    }

    private static int roundUp(int x, int to) {
        return (x + to - 1) / to * to;
    }
}
