package org.jcontrast.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API twins of {@link ScalarArrayKernel}. Reductions keep one vector of partial results
 * and reduce once, so their rounding differs from the scalar twin's by a few ulps of the sum;
 * {@code exp} and {@code log} use the JDK's SVML-backed lanewise intrinsics.
 */
final class PanamaArrayKernel implements ArrayKernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

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

    @Override
    public float sum(float[] x, int xo, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, xo + i));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += x[xo + i];
        }
        return s;
    }

    @Override
    public float dot(float[] x, int xo, float[] y, int yo, int n) {
        FloatVector acc0 = FloatVector.zero(S);
        FloatVector acc1 = FloatVector.zero(S);
        int i = 0;
        for (int bound = n - 2 * L; i <= bound; i += 2 * L) {
            acc0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc0);
            acc1 = FloatVector.fromArray(S, x, xo + i + L).fma(FloatVector.fromArray(S, y, yo + i + L), acc1);
        }
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc0 = FloatVector.fromArray(S, x, xo + i).fma(FloatVector.fromArray(S, y, yo + i), acc0);
        }
        float s = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s = Math.fma(x[xo + i], y[yo + i], s);
        }
        return s;
    }

    @Override
    public float sumExp(float[] x, int xo, float shift, int n) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            acc = acc.add(FloatVector.fromArray(S, x, xo + i).sub(shift).lanewise(VectorOperators.EXP));
        }
        float s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < n; i++) {
            s += (float) Math.exp(x[xo + i] - shift);
        }
        return s;
    }

    @Override
    public void exp(float[] x, int xo, float shift, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).sub(shift).lanewise(VectorOperators.EXP).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) Math.exp(x[xo + i] - shift);
        }
    }

    @Override
    public void log(float[] x, int xo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = S.loopBound(n); i < bound; i += L) {
            FloatVector.fromArray(S, x, xo + i).lanewise(VectorOperators.LOG).intoArray(out, oo + i);
        }
        for (; i < n; i++) {
            out[oo + i] = (float) Math.log(x[xo + i]);
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
}
