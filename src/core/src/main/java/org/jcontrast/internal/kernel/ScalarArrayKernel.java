package org.jcontrast.internal.kernel;

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

    /** β = 1: the fused multiply-add of {@link #sumScaledExp} is then exactly x − shift. */
    @Override
    public float sumExp(float[] x, int xo, float shift, int n) {
        return sumScaledExp(x, xo, 1f, shift, null, 0, n);
    }

    /** β = 1 and a weight of 1, which leave every bit as plain exp(x − shift). */
    @Override
    public void exp(float[] x, int xo, float shift, float[] out, int oo, int n) {
        scaledExp(x, xo, 1f, shift, 1f, null, 0, out, oo, n);
    }

    @Override
    public float sumScaledExp(float[] x, int xo, float beta, float shift, float[] across, int ao, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float y = (float) Math.exp(Math.fma(beta, x[xo + i], -shift));
            if (across != null) {
                across[ao + i] += y;
            }
            s += y;
        }
        return s;
    }

    @Override
    public void scaledExp(float[] x, int xo, float beta, float shift, float weight, float[] weights, int wo,
                          float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float w = weights == null ? weight : weight + weights[wo + i];
            out[oo + i] = (float) Math.exp(Math.fma(beta, x[xo + i], -shift)) * w;
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

    /** Blocks of 32×32 keep the strided side in cache without set conflicts at power-of-two strides. */
    @Override
    public void transpose(float[] src, int so, int lds, int rows, int cols, float[] dst, int dOff, int ldd,
                          boolean accumulate) {
        final int block = 32;
        for (int i0 = 0; i0 < rows; i0 += block) {
            int i1 = Math.min(rows, i0 + block);
            for (int j0 = 0; j0 < cols; j0 += block) {
                int j1 = Math.min(cols, j0 + block);
                for (int i = i0; i < i1; i++) {
                    for (int j = j0; j < j1; j++) {
                        float v = src[so + i * lds + j];
                        int d = dOff + j * ldd + i;
                        dst[d] = accumulate ? dst[d] + v : v;
                    }
                }
            }
        }
    }
}
