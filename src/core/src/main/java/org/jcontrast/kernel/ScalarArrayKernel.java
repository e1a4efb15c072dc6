package org.jcontrast.kernel;

/** Plain loops; each one is the definition its vector twin is tested against. */
final class ScalarArrayKernel implements ArrayKernel {

    @Override
    public float max(float[] x, int xo, int n) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            if (v != v) {
                return Float.NaN;
            }
            m = Math.max(m, v);
        }
        return m;
    }

    @Override
    public float sum(float[] x, int xo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += x[xo + i];
        }
        return s;
    }

    @Override
    public float dot(float[] x, int xo, float[] y, int yo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s = Math.fma(x[xo + i], y[yo + i], s);
        }
        return s;
    }

    @Override
    public float sumExp(float[] x, int xo, float shift, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            s += (float) Math.exp(x[xo + i] - shift);
        }
        return s;
    }

    @Override
    public void exp(float[] x, int xo, float shift, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.exp(x[xo + i] - shift);
        }
    }

    @Override
    public void log(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) Math.log(x[xo + i]);
        }
    }

    @Override
    public void affine(float alpha, float[] x, int xo, float beta, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.fma(alpha, x[xo + i], beta);
        }
    }

    @Override
    public void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n) {
        for (int i = 0; i < n; i++) {
            y[yo + i] = Math.fma(alpha, x[xo + i], y[yo + i]);
        }
    }

    @Override
    public void add(float[] x, int xo, float[] y, int yo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] + y[yo + i];
        }
    }

    @Override
    public void mul(float[] x, int xo, float[] y, int yo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] * y[yo + i];
        }
    }
}
