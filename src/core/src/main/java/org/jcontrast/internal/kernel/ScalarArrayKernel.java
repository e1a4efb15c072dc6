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
    public int firstNonFinite(float[] x, int xo, int n) {
        for (int i = 0; i < n; i++) {
            if (!Float.isFinite(x[xo + i])) {
                return i;
            }
        }
        return -1;
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
        return sumScaledExp(x, xo, 1f, shift, false, null, 0, null, 0, n);
    }

    /** β = 1 and a weight of 1, which leave every bit as plain exp(x − shift). */
    @Override
    public void exp(float[] x, int xo, float shift, float[] out, int oo, int n) {
        scaledExp(x, xo, 1f, shift, false, 1f, null, 0, out, oo, n);
    }

    /** {@code bounded} changes nothing here: {@code Math.exp} has no range checks to skip. */
    @Override
    public float sumScaledExp(float[] x, int xo, float beta, float shift, boolean bounded, float[] across, int ao,
                              float[] out, int oo, int n) {
        float s = 0f;
        for (int i = 0; i < n; i++) {
            float y = (float) Math.exp(Math.fma(beta, x[xo + i], -shift));
            if (across != null) {
                across[ao + i] += y;
            }
            if (out != null) {
                out[oo + i] = y;
            }
            s += y;
        }
        return s;
    }

    @Override
    public void scaledExp(float[] x, int xo, float beta, float shift, boolean bounded, float weight, float[] weights,
                          int wo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float w = weights == null ? weight : weight + weights[wo + i];
            out[oo + i] = (float) Math.exp(Math.fma(beta, x[xo + i], -shift)) * w;
        }
    }

    @Override
    public void weigh(float[] x, int xo, float weight, float[] weights, int wo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = x[xo + i] * (weight + weights[wo + i]);
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

    @Override
    public void relu(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = Math.max(x[xo + i], 0f);
        }
    }

    @Override
    public void reluBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = masked(g, go + i, y, yo + i);
        }
    }

    @Override
    public void addColumnSums(float[] x, int xo, int ld, int rows, float[] sums, int c, int n) {
        for (int i = 0; i < n; i++) {
            float s = sums[c + i];
            for (int r = 0, at = xo + i; r < rows; r++, at += ld) {
                s += x[at];
            }
            sums[c + i] = s;
        }
    }

    @Override
    public void addSquaredDeviations(float[] x, int xo, int ld, int rows, float[] negMean, float[] sums, int c, int n) {
        for (int i = 0; i < n; i++) {
            float s = sums[c + i];
            for (int r = 0, at = xo + i; r < rows; r++, at += ld) {
                float h = x[at] + negMean[c + i];
                s = Math.fma(h, h, s);
            }
            sums[c + i] = s;
        }
    }

    @Override
    public void batchNormRow(float[] x, int xo, float[] negMean, float[] invStd, int c, float[] gamma, int go,
                             float[] beta, int bo, boolean relu, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float y = Math.fma(normalized(x, xo + i, negMean, invStd, c + i), gamma[go + i], beta[bo + i]);
            out[oo + i] = relu ? Math.max(y, 0f) : y;
        }
    }

    @Override
    public void addBatchNormGradients(float[] g, int go, float[] y, int yo, float[] x, int xo, int ld, int rows,
                                      float[] negMean, float[] invStd, float[] dBeta, float[] dGamma, int c, int n) {
        for (int i = 0; i < n; i++) {
            float beta = dBeta[c + i], gamma = dGamma[c + i];
            for (int r = 0, at = i; r < rows; r++, at += ld) {
                float gi = y == null ? g[go + at] : masked(g, go + at, y, yo + at);
                float h = normalized(x, xo + at, negMean, invStd, c + i);
                beta += gi;
                gamma = Math.fma(gi, h, gamma);
            }
            dBeta[c + i] = beta;
            dGamma[c + i] = gamma;
        }
    }

    @Override
    public void batchNormInputGradient(float[] g, int go, float[] y, int yo, float[] x, int xo, float[] negMean,
                                       float[] invStd, float[] cg, float[] c1, float[] cx, int c, float[] dx, int dxo,
                                       int n) {
        for (int i = 0; i < n; i++) {
            float gi = y == null ? g[go + i] : masked(g, go + i, y, yo + i);
            float h = normalized(x, xo + i, negMean, invStd, c + i);
            dx[dxo + i] = Math.fma(h, cx[c + i], Math.fma(gi, cg[c + i], c1[c + i]));
        }
    }

    /** g where y &gt; 0, else 0: the gradient through a ReLU whose output was y. */
    private static float masked(float[] g, int gi, float[] y, int yi) {
        return y[yi] > 0 ? g[gi] : 0f;
    }

    /** (x + negMean)·invStd, batch norm's normalised input, each operation rounded. */
    private static float normalized(float[] x, int xi, float[] negMean, float[] invStd, int ci) {
        return (x[xi] + negMean[ci]) * invStd[ci];
    }

    @Override
    public void adamW(AdamCoefficients c, float[] w, int wo, float[] g, int go, float[] m, int mo, float[] v, int vo,
                      int n) {
        float b1 = c.beta1(), b2 = c.beta2(), rest1 = 1 - b1, rest2 = 1 - b2;
        for (int i = 0; i < n; i++) {
            float gi = g[go + i];
            float mi = b1 * m[mo + i] + rest1 * gi;
            float vi = b2 * v[vo + i] + rest2 * gi * gi;
            m[mo + i] = mi;
            v[vo + i] = vi;
            w[wo + i] = c.keep() * w[wo + i]
                    - c.stepSize() * mi / ((float) Math.sqrt(vi) * c.invSqrtCorrection2() + c.epsilon());
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
