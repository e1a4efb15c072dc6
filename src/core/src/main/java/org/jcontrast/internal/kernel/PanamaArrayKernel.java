package org.jcontrast.internal.kernel;

import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of {@link ScalarArrayKernel}. Reductions keep {@link #BLOCK} partial sums (one
 * 512-bit vector, two 256-bit or four 128-bit ones) and add them once, so their rounding differs
 * from the scalar twin's by a few ulps of the sum but not between vector widths.
 *
 * <p>Every result is the same whether the JIT has compiled the code or not, so that a run is
 * reproducible: the lanes of a sum are added in a fixed order (the order of
 * {@code reduceLanes(ADD)} is unspecified and differs between the intrinsic and its fallback),
 * and {@code exp} is our own range reduction and polynomial built from exactly rounded operations
 * (the SVML intrinsic behind {@code lanewise(EXP)} and its {@code Math.exp} fallback disagree in
 * the last bits). {@code log}, which no hot loop needs, is the scalar twin's.
 *
 * <p>No vector is a method's argument or result: C2 boxes one whenever it declines to inline the
 * call, which it does in some runs and not others, so shared steps (a masked gradient, a
 * normalised row) are written out where they are used. The {@code kernel-calls-out-of-line} test
 * run checks it.
 */
final class PanamaArrayKernel implements ArrayKernel {
    /** This copy's species (see {@link VectorWidths}). */
    private static final VectorSpecies<Float> S = VectorWidths.species(MethodHandles.lookup());
    private static final int L = S.length();
    /**
     * Reductions keep this many logical lanes, in BLOCK / L vectors, whatever the width: the same sums
     * in the same order at 128, 256 and 512 bits, so that results have the same bits on every x86-64 CPU.
     */
    private static final int BLOCK = WIDEST_LANES;
    private static final int PER = BLOCK / L;
    /**
     * Each thread's buffer: {@link #BLOCK} floats for the reductions' lanes, then room for the
     * exponentials that {@link #sumScaledExp} sums; one buffer, as a run of a tile's row is short
     * enough for a second lookup to show. It grows to the longest run and is kept.
     */
    private static final ThreadLocal<float[]> LANES = ThreadLocal.withInitial(() -> new float[BLOCK]);
    /** Transposes work in 8×8 blocks of 256-bit vectors, where the hardware has them. */
    private static final boolean TRANSPOSE_8X8 = Transpose8x8.fits(S);
    /** Each thread's transposed 8×8 block on its way to being added: a new one per call was its garbage. */
    private static final ThreadLocal<float[]> BLOCKS_8X8 = ThreadLocal.withInitial(() -> new float[64]);
    private static final ScalarArrayKernel SCALAR = new ScalarArrayKernel();
    /** exp's arguments are clamped here: below, the result rounds to 0; above, to infinity. */
    private static final float EXP_LOW = -104f;
    private static final float EXP_HIGH = 89f;
    private static final float LOG2E = 1.44269504f;
    /** ln 2 split in a part exact in a few bits and the rest (Cody and Waite). */
    private static final float LN2_HIGH = 0.693359375f;
    private static final float LN2_LOW = -2.12194440e-4f;
    /** 1.5·2²³: adding it rounds a float of magnitude below 2²² to an integer held in the low mantissa bits. */
    private static final float ROUNDER = 12582912f;
    private static final int ROUNDER_BITS = Float.floatToRawIntBits(ROUNDER);

    @Override
    public float max(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = acc.max(FloatVector.fromArray(S, x, xo + i));
        }
        float m = acc.reduceLanes(VectorOperators.MAX);
        for (; i < n; i++) {
            m = Math.max(m, x[xo + i]);
        }
        return m;
    }

    /**
     * x − x is 0 for a finite x and NaN otherwise, so a chunk is clean when the sum of those is 0 in
     * every lane; only a chunk that is not gets searched element by element.
     */
    @Override
    public int firstNonFinite(float[] x, int xo, int n) {
        int chunk = 64 * L, i = 0;
        for (; i < n; i += chunk) {
            int end = Math.min(n, i + chunk), j = i;
            FloatVector acc = FloatVector.zero(S);
            for (int bound = i + S.loopBound(end - i); j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(S, x, xo + j);
                acc = acc.add(v.sub(v));
            }
            boolean clean = !acc.compare(VectorOperators.NE, 0f).anyTrue()
                    && SCALAR.firstNonFinite(x, xo + j, end - j) < 0;
            if (!clean) {
                return i + SCALAR.firstNonFinite(x, xo + i, end - i);
            }
        }
        return -1;
    }

    @Override
    public float sum(float[] x, int xo, int n) {
        return sum(LANES.get(), x, xo, null, 0, n);
    }

    /**
     * {@link #sum} with this thread's buffer in hand (its first {@link #BLOCK} floats take the
     * lanes), also adding x into {@code across} from {@code ao} unless it is null, so that
     * {@link #sumScaledExp} reads its terms once.
     */
    private static float sum(float[] lanes, float[] x, int xo, float[] across, int ao, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        int i = 0;
        for (int bound = n - BLOCK; i <= bound; i += BLOCK) {
            FloatVector x0 = FloatVector.fromArray(S, x, xo + i);
            a0 = a0.add(x0);
            if (across != null) {
                FloatVector.fromArray(S, across, ao + i).add(x0).intoArray(across, ao + i);
            }
            if (PER > 1) {
                FloatVector x1 = FloatVector.fromArray(S, x, xo + i + L);
                a1 = a1.add(x1);
                if (across != null) {
                    FloatVector.fromArray(S, across, ao + i + L).add(x1).intoArray(across, ao + i + L);
                }
            }
            if (PER > 2) {
                FloatVector x2 = FloatVector.fromArray(S, x, xo + i + 2 * L);
                FloatVector x3 = FloatVector.fromArray(S, x, xo + i + 3 * L);
                a2 = a2.add(x2);
                a3 = a3.add(x3);
                if (across != null) {
                    FloatVector.fromArray(S, across, ao + i + 2 * L).add(x2).intoArray(across, ao + i + 2 * L);
                    FloatVector.fromArray(S, across, ao + i + 3 * L).add(x3).intoArray(across, ao + i + 3 * L);
                }
            }
        }
        a0.intoArray(lanes, 0);
        if (PER > 1) {
            a1.intoArray(lanes, L);
        }
        if (PER > 2) {
            a2.intoArray(lanes, 2 * L);
            a3.intoArray(lanes, 3 * L);
        }
        float s = sumLanes(lanes);
        for (; i < n; i++) {
            s += x[xo + i];
            if (across != null) {
                across[ao + i] += x[xo + i];
            }
        }
        return s;
    }

    /** Two chains of {@link #BLOCK} lanes over blocks of 2·BLOCK, added lane by lane before the lanes are summed. */
    @Override
    public float dot(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int i = 0;
        for (int bound = n - 2 * BLOCK; i <= bound; i += 2 * BLOCK) {
            int j = i + BLOCK;
            a0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), a0);
            b0 = FloatVector.fromArray(S, x, xo + j).fma(FloatVector.fromArray(S, y, yo + j), b0);
            if (PER > 1) {
                a1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, y, yo + i + L), a1);
                b1 = FloatVector.fromArray(S, x, xo + j + L).fma(FloatVector.fromArray(S, y, yo + j + L), b1);
            }
            if (PER > 2) {
                a2 = FloatVector.fromArray(S, x, xo + i + 2 * L).fma(FloatVector.fromArray(S, y, yo + i + 2 * L), a2);
                b2 = FloatVector.fromArray(S, x, xo + j + 2 * L).fma(FloatVector.fromArray(S, y, yo + j + 2 * L), b2);
                a3 = FloatVector.fromArray(S, x, xo + i + 3 * L).fma(FloatVector.fromArray(S, y, yo + i + 3 * L), a3);
                b3 = FloatVector.fromArray(S, x, xo + j + 3 * L).fma(FloatVector.fromArray(S, y, yo + j + 3 * L), b3);
            }
        }
        if (i <= n - BLOCK) {
            a0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), a0);
            if (PER > 1) {
                a1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, y, yo + i + L), a1);
            }
            if (PER > 2) {
                a2 = FloatVector.fromArray(S, x, xo + i + 2 * L).fma(FloatVector.fromArray(S, y, yo + i + 2 * L), a2);
                a3 = FloatVector.fromArray(S, x, xo + i + 3 * L).fma(FloatVector.fromArray(S, y, yo + i + 3 * L), a3);
            }
            i += BLOCK;
        }
        float[] lanes = LANES.get();
        a0.add(b0).intoArray(lanes, 0);
        if (PER > 1) {
            a1.add(b1).intoArray(lanes, L);
        }
        if (PER > 2) {
            a2.add(b2).intoArray(lanes, 2 * L);
            a3.add(b3).intoArray(lanes, 3 * L);
        }
        float s = sumLanes(lanes);
        for (; i < n; i++) {
            s = Math.fma(x[xo + i], y[yo + i], s);
        }
        return s;
    }

    /**
     * Σ of the {@link #BLOCK} logical lanes that the caller stored into {@code lanes}, in lane
     * order: the same additions at every width. The callers store their {@code PER} vectors
     * themselves: a vector handed to a method that C2 declines to inline is boxed.
     */
    private static float sumLanes(float[] lanes) {
        float s = 0f;
        for (int lane = 0; lane < BLOCK; lane++) {
            s += lanes[lane];
        }
        return s;
    }

    @Override
    public float sumExp(float[] x, int xo, float shift, int n) {
        return sumScaledExp(x, xo, 1f, shift, false, null, 0, null, 0, n);
    }

    @Override
    public void exp(float[] x, int xo, float shift, float[] out, int oo, int n) {
        expInto(x, xo, 1f, shift, false, out, oo, n);
    }

    /**
     * The exponentials go through {@code out}, or this thread's buffer when it is null, then in
     * one more pass into {@code across} and the sum (0.92× the time of two passes, a 256-float row
     * on Zen 5): a loop that did all three at once sat at the edge of C2's node budget, and in some
     * runs its last vector operations were left as calls that box (see {@link #expInto}).
     */
    @Override
    public float sumScaledExp(float[] x, int xo, float beta, float shift, boolean bounded, float[] across, int ao,
                              float[] out, int oo, int n) {
        float[] lanes = buffer(out == null ? BLOCK + n : BLOCK);
        float[] terms = out == null ? lanes : out;
        int to = out == null ? BLOCK : oo;
        expInto(x, xo, beta, shift, bounded, terms, to, n);
        return sum(lanes, terms, to, across, ao, n);
    }

    @Override
    public void scaledExp(float[] x, int xo, float beta, float shift, boolean bounded, float weight, float[] weights,
                          int wo, float[] out, int oo, int n) {
        expInto(x, xo, beta, shift, bounded, out, oo, n);
        if (weights != null) {
            weigh(out, oo, weight, weights, wo, out, oo, n);
        } else if (weight != 1f) {
            scale(out, oo, weight, n);
        }
    }

    /** This thread's buffer, grown to at least {@code size} floats. */
    private static float[] buffer(int size) {
        float[] b = LANES.get();
        if (b.length < size) {
            b = new float[size];
            LANES.set(b);
        }
        return b;
    }

    @Override
    public void log(float[] x, int xo, float[] out, int oo, int n) {
        SCALAR.log(x, xo, out, oo, n);
    }

    /**
     * out = e^(β·x − shift) over a run: the vector polynomial on the whole blocks of
     * {@link #BLOCK}, {@code Math.exp} on the rest, so that a run's values do not depend on the
     * lane count. β·x − shift is one fused multiply-add, so β = 1 gives exactly x − shift.
     * {@code out} may be {@code x}.
     *
     * <p>Within 2 ulps for normal results: x = n·ln 2 + r with |r| ≤ ln 2 / 2, e^r by Cephes'
     * degree-6 polynomial, and 2^n applied in two halves so that results down to the subnormal
     * range round once. The clamps are compares and blends, which leave NaN as it is: the vector
     * {@code max} and {@code min} give the same values but cost a quarter of the loop, for Java's
     * rules on NaN and signed zeros. A {@code bounded} run ({@link #EXP_BOUND}) needs neither the
     * clamps nor the halves, only its −∞ turned to 0: the same bits in 0.73× the time (Zen 5). The
     * loop has no other branches: C2 stops inlining once a method reaches its node budget, and a
     * vector call it does not inline boxes its result (as does one in a helper it declines to
     * inline, so the polynomial is written out).
     */
    private static void expInto(float[] x, int xo, float beta, float shift, boolean bounded, float[] out, int oo,
                                int n) {
        int bound = n / BLOCK * BLOCK;
        int i = 0;
        for (; i < bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, xo + i).fma(beta, -shift);
            if (!bounded) {
                v = v.blend(EXP_LOW, v.lt(EXP_LOW)).blend(EXP_HIGH, v.compare(VectorOperators.GT, EXP_HIGH));
            }
            FloatVector t = v.fma(LOG2E, ROUNDER);
            FloatVector nf = t.sub(ROUNDER);
            IntVector e = t.reinterpretAsInts().sub(ROUNDER_BITS);
            FloatVector r = nf.fma(FloatVector.broadcast(S, -LN2_HIGH), v);
            r = nf.fma(FloatVector.broadcast(S, -LN2_LOW), r);
            FloatVector p = r.fma(1.9875691500e-4f, 1.3981999507e-3f);
            p = p.fma(r, FloatVector.broadcast(S, 8.3334519073e-3f));
            p = p.fma(r, FloatVector.broadcast(S, 4.1665795894e-2f));
            p = p.fma(r, FloatVector.broadcast(S, 1.6666665459e-1f));
            p = p.fma(r, FloatVector.broadcast(S, 5.0000001201e-1f));
            FloatVector y = p.mul(r.mul(r)).add(r).add(1f);
            IntVector half = bounded ? e : e.lanewise(VectorOperators.ASHR, 1);
            y = y.mul(half.add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            if (bounded) {
                y = y.blend(0f, v.lt(-EXP_BOUND));
            } else {
                y = y.mul(e.sub(half).add(127).lanewise(VectorOperators.LSHL, 23).reinterpretAsFloats());
            }
            y.intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) Math.exp(Math.fma(beta, x[xo + i], -shift));
        }
    }

    @Override
    public void weigh(float[] x, int xo, float weight, float[] weights, int wo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(FloatVector.fromArray(S, weights, wo + i).add(weight))
                    .intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = x[xo + i] * (weight + weights[wo + i]);
        }
    }

    /** out = out·weight, a product rather than {@link #affine}'s fused multiply-add, which would turn −0 into +0. */
    private static void scale(float[] out, int oo, float weight, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, out, oo + i).mul(weight).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] *= weight;
        }
    }

    @Override
    public void affine(float alpha, float[] x, int xo, float beta, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(alpha, beta).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = Math.fma(alpha, x[xo + i], beta);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).fma(FloatVector.broadcast(S, alpha), FloatVector.fromArray(S, y, yo + i))
                    .intoArray(y, yo + i);
        }
        for (; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    @Override
    public void add(float[] x, int xo, float[] y, int yo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, y, yo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = x[xo + i] + y[yo + i];
        }
    }

    @Override
    public void mul(float[] x, int xo, float[] y, int yo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).mul(FloatVector.fromArray(S, y, yo + i)).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = x[xo + i] * y[yo + i];
        }
    }

    @Override
    public void relu(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).max(0f).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = Math.max(x[xo + i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.zero(S).blend(FloatVector.fromArray(S, g, go + i),
                    FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f)).intoArray(out, oo + i);
        }
        SCALAR.reluBackward(y, yo + i, g, go + i, out, oo + i, n - i);
    }

    /*
     * The column sums over rows keep a strip of columns in registers down all the rows and store it
     * once: a sum kept in memory would be loaded and stored again at every row. Strips of several
     * vectors give each row's loads several independent sums: with one-vector strips batch norm
     * took 1.08–1.23× the time (bench/RESULTS.md).
     */

    @Override
    public void addColumnSums(float[] x, int xo, int ld, int rows, float[] sums, int c, int n) {
        int i = 0;
        for (; i <= n - 4 * L; i += 4 * L) {
            FloatVector s0 = FloatVector.fromArray(S, sums, c + i), s1 = FloatVector.fromArray(S, sums, c + i + L);
            FloatVector s2 = FloatVector.fromArray(S, sums, c + i + 2 * L);
            FloatVector s3 = FloatVector.fromArray(S, sums, c + i + 3 * L);
            for (int r = 0, at = xo + i; r < rows; r++, at += ld) {
                s0 = s0.add(FloatVector.fromArray(S, x, at));
                s1 = s1.add(FloatVector.fromArray(S, x, at + L));
                s2 = s2.add(FloatVector.fromArray(S, x, at + 2 * L));
                s3 = s3.add(FloatVector.fromArray(S, x, at + 3 * L));
            }
            s0.intoArray(sums, c + i);
            s1.intoArray(sums, c + i + L);
            s2.intoArray(sums, c + i + 2 * L);
            s3.intoArray(sums, c + i + 3 * L);
        }
        for (; i <= n - L; i += L) {
            FloatVector s0 = FloatVector.fromArray(S, sums, c + i);
            for (int r = 0, at = xo + i; r < rows; r++, at += ld) {
                s0 = s0.add(FloatVector.fromArray(S, x, at));
            }
            s0.intoArray(sums, c + i);
        }
        SCALAR.addColumnSums(x, xo + i, ld, rows, sums, c + i, n - i);
    }

    @Override
    public void addSquaredDeviations(float[] x, int xo, int ld, int rows, float[] negMean, float[] sums, int c, int n) {
        int i = 0;
        for (; i <= n - 2 * L; i += 2 * L) {
            FloatVector m0 = FloatVector.fromArray(S, negMean, c + i), m1 = FloatVector.fromArray(S, negMean, c + i + L);
            FloatVector s0 = FloatVector.fromArray(S, sums, c + i), s1 = FloatVector.fromArray(S, sums, c + i + L);
            for (int r = 0, at = xo + i; r < rows; r++, at += ld) {
                FloatVector h0 = FloatVector.fromArray(S, x, at).add(m0);
                FloatVector h1 = FloatVector.fromArray(S, x, at + L).add(m1);
                s0 = h0.fma(h0, s0);
                s1 = h1.fma(h1, s1);
            }
            s0.intoArray(sums, c + i);
            s1.intoArray(sums, c + i + L);
        }
        for (; i <= n - L; i += L) {
            FloatVector m0 = FloatVector.fromArray(S, negMean, c + i), s0 = FloatVector.fromArray(S, sums, c + i);
            for (int r = 0, at = xo + i; r < rows; r++, at += ld) {
                FloatVector h0 = FloatVector.fromArray(S, x, at).add(m0);
                s0 = h0.fma(h0, s0);
            }
            s0.intoArray(sums, c + i);
        }
        SCALAR.addSquaredDeviations(x, xo + i, ld, rows, negMean, sums, c + i, n - i);
    }

    @Override
    public void batchNormRow(float[] x, int xo, float[] negMean, float[] invStd, int c, float[] gamma, int go,
                             float[] beta, int bo, boolean relu, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector h = FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, negMean, c + i))
                    .mul(FloatVector.fromArray(S, invStd, c + i));
            FloatVector y = h.fma(FloatVector.fromArray(S, gamma, go + i), FloatVector.fromArray(S, beta, bo + i));
            (relu ? y.max(0f) : y).intoArray(out, oo + i);
        }
        SCALAR.batchNormRow(x, xo + i, negMean, invStd, c + i, gamma, go + i, beta, bo + i, relu, out, oo + i, n - i);
    }

    @Override
    public void addBatchNormGradients(float[] g, int go, float[] y, int yo, float[] x, int xo, int ld, int rows,
                                      float[] negMean, float[] invStd, float[] dBeta, float[] dGamma, int c, int n) {
        int i = 0;
        for (; i <= n - L; i += L) {
            FloatVector m = FloatVector.fromArray(S, negMean, c + i), s = FloatVector.fromArray(S, invStd, c + i);
            FloatVector beta = FloatVector.fromArray(S, dBeta, c + i), gamma = FloatVector.fromArray(S, dGamma, c + i);
            for (int r = 0, at = i; r < rows; r++, at += ld) {
                FloatVector gi = FloatVector.fromArray(S, g, go + at);
                if (y != null) {
                    gi = FloatVector.zero(S).blend(gi, FloatVector.fromArray(S, y, yo + at).compare(VectorOperators.GT, 0f));
                }
                FloatVector h = FloatVector.fromArray(S, x, xo + at).add(m).mul(s);
                beta = gi.add(beta);
                gamma = gi.fma(h, gamma);
            }
            beta.intoArray(dBeta, c + i);
            gamma.intoArray(dGamma, c + i);
        }
        SCALAR.addBatchNormGradients(g, go + i, y, yo + i, x, xo + i, ld, rows, negMean, invStd, dBeta, dGamma, c + i,
                n - i);
    }

    @Override
    public void batchNormInputGradient(float[] g, int go, float[] y, int yo, float[] x, int xo, float[] negMean,
                                       float[] invStd, float[] cg, float[] c1, float[] cx, int c, float[] dx, int dxo,
                                       int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, go + i);
            if (y != null) {
                gi = FloatVector.zero(S).blend(gi, FloatVector.fromArray(S, y, yo + i).compare(VectorOperators.GT, 0f));
            }
            FloatVector h = FloatVector.fromArray(S, x, xo + i).add(FloatVector.fromArray(S, negMean, c + i))
                    .mul(FloatVector.fromArray(S, invStd, c + i));
            h.fma(FloatVector.fromArray(S, cx, c + i), gi.fma(FloatVector.fromArray(S, cg, c + i),
                    FloatVector.fromArray(S, c1, c + i))).intoArray(dx, dxo + i);
        }
        SCALAR.batchNormInputGradient(g, go + i, y, yo + i, x, xo + i, negMean, invStd, cg, c1, cx, c + i, dx, dxo + i,
                n - i);
    }

    @Override
    public void adamW(AdamCoefficients c, float[] w, int wo, float[] g, int go, float[] m, int mo, float[] v, int vo,
                      int n) {
        float b1 = c.beta1(), b2 = c.beta2(), rest1 = 1 - b1, rest2 = 1 - b2;
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, go + i);
            FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gi.mul(rest1));
            FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gi.mul(rest2).mul(gi));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            FloatVector denominator = vi.sqrt().mul(c.invSqrtCorrection2()).add(c.epsilon());
            FloatVector.fromArray(S, w, wo + i).mul(c.keep()).sub(mi.mul(c.stepSize()).div(denominator))
                    .intoArray(w, wo + i);
        }
        SCALAR.adamW(c, w, wo + i, g, go + i, m, mo + i, v, vo + i, n - i);
    }

    /** 8×8 blocks transposed in registers ({@link Transpose8x8}); the fringe goes to the scalar twin. */
    @Override
    public void transpose(float[] src, int so, int lds, int rows, int cols, float[] dst, int dOff, int ldd,
                          boolean accumulate) {
        int rows8 = TRANSPOSE_8X8 ? rows & ~7 : 0, cols8 = TRANSPOSE_8X8 ? cols & ~7 : 0;
        float[] block = BLOCKS_8X8.get();
        for (int i = 0; i < rows8; i += 8) {
            for (int j = 0; j < cols8; j += 8) {
                int d = dOff + j * ldd + i;
                if (accumulate) {
                    Transpose8x8.write(src, so + i * lds + j, lds, block, 0, 8);
                    Transpose8x8.add(block, dst, d, ldd);
                } else {
                    Transpose8x8.write(src, so + i * lds + j, lds, dst, d, ldd);
                }
            }
        }
        if (cols8 < cols) {
            SCALAR.transpose(src, so + cols8, lds, rows8, cols - cols8, dst, dOff + cols8 * ldd, ldd, accumulate);
        }
        if (rows8 < rows) {
            SCALAR.transpose(src, so + rows8 * lds, lds, rows - rows8, cols, dst, dOff + rows8, ldd, accumulate);
        }
    }
}
