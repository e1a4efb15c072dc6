package org.jcontrast.testing;

/**
 * Float64 reference computations on row-major {@code double[]} matrices: the ground truth the
 * float32 kernels, fused losses and gradients are compared with in tests.
 */
public final class Reference64 {
    private Reference64() {
    }

    /** op(A)·op(B) in float64; A is stored m×k (or k×m when transA), B k×n (or n×k when transB). */
    public static double[] matmul(boolean transA, boolean transB, int m, int n, int k, double[] a, double[] b) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[p * m + i] : a[i * k + p];
                    double y = transB ? b[j * k + p] : b[p * n + j];
                    s += x * y;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    /** Per-row logsumexp of an r×c matrix. */
    public static double[] rowLogSumExp(double[] x, int rows, int cols) {
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < cols; j++) {
                m = Math.max(m, x[r * cols + j]);
            }
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += Math.exp(x[r * cols + j] - m);
            }
            out[r] = m + Math.log(s);
        }
        return out;
    }

    /** Row-wise softmax of an r×c matrix. */
    public static double[] softmaxRows(double[] x, int rows, int cols) {
        double[] lse = rowLogSumExp(x, rows, cols);
        double[] out = new double[x.length];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                out[r * cols + j] = Math.exp(x[r * cols + j] - lse[r]);
            }
        }
        return out;
    }

    /** Row normalisation z / max(‖z‖, eps). */
    public static double[] normalizeRows(double[] z, int rows, int cols, double eps) {
        double[] out = new double[z.length];
        for (int r = 0; r < rows; r++) {
            double s = 0;
            for (int j = 0; j < cols; j++) {
                s += z[r * cols + j] * z[r * cols + j];
            }
            double d = Math.max(Math.sqrt(s), eps);
            for (int j = 0; j < cols; j++) {
                out[r * cols + j] = z[r * cols + j] / d;
            }
        }
        return out;
    }

    /** Widens a float array. */
    public static double[] widen(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }
}
