package org.jcontrast.simclr.eval;

import org.jcontrast.tensor.Tensor;

/**
 * Per-column standardisation (x − mean) / std with statistics fitted on training features only,
 * then applied unchanged to held-out features. Constant columns (std below 1e-6) are only centred.
 * <p>Immutable and thread-safe.
 */
public final class Standardizer {
    private static final double MIN_STD = 1e-6;
    private final float[] mean;
    private final float[] invStd;

    private Standardizer(float[] mean, float[] invStd) {
        this.mean = mean;
        this.invStd = invStd;
    }

    /**
     * Column means and standard deviations of {@code x} [N, D], accumulated in double.
     *
     * @param x the features, [N, D]
     * @return the fitted standardiser
     */
    public static Standardizer fit(Tensor x) {
        x.requireRank(2, "Standardizer.fit");
        int n = x.dim(0), d = x.dim(1);
        double[] sum = new double[d], sq = new double[d];
        float[] a = x.array();
        for (int r = 0; r < n; r++) {
            int row = x.offset() + r * d;
            for (int c = 0; c < d; c++) {
                double v = a[row + c];
                sum[c] += v;
                sq[c] += v * v;
            }
        }
        float[] mean = new float[d], inv = new float[d];
        for (int c = 0; c < d; c++) {
            double m = sum[c] / n;
            double std = Math.sqrt(Math.max(0, sq[c] / n - m * m));
            mean[c] = (float) m;
            inv[c] = (float) (std < MIN_STD ? 1 : 1 / std);
        }
        return new Standardizer(mean, inv);
    }

    /**
     * A standardised copy of {@code x}, which must have the fitted number of columns.
     *
     * @param x the features, [M, D]
     * @return the standardised copy
     */
    public Tensor apply(Tensor x) {
        x.requireRank(2, "Standardizer.apply");
        int d = mean.length;
        if (x.dim(1) != d) {
            throw new IllegalArgumentException("standardiser fitted on " + d + " columns, got " + x.shapeString());
        }
        Tensor out = Tensor.zeros(x.shape());
        float[] a = x.array(), o = out.array();
        for (int r = 0; r < x.dim(0); r++) {
            int in = x.offset() + r * d, row = r * d;
            for (int c = 0; c < d; c++) {
                o[row + c] = (a[in + c] - mean[c]) * invStd[c];
            }
        }
        out.markModified();
        return out;
    }
}
