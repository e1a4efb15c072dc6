package org.jcontrast.cli;

/**
 * Checks a float product C = A·Aᵀ against float64 on a sample of its rows, so that a benchmark
 * proves what it timed computed the product. Stateless and thread-safe.
 */
final class GramCheck {
    /** Rows checked, spread evenly over C: enough to catch a wrong kernel, cheap at any size. */
    static final int SAMPLED_ROWS = 16;

    private GramCheck() {
    }

    /**
     * The largest |C[i][j] − (A·Aᵀ)[i][j]| over the sampled rows i and every column j, each divided by
     * Σₖ |A[i][k]·A[j][k]| (the size float rounding scales with); about K·2⁻²⁴ at worst for a correct
     * float product.
     *
     * @param a row-major m×k
     * @param c row-major m×m
     */
    static double maxRelativeError(float[] a, int m, int k, float[] c) {
        double worst = 0;
        int rows = Math.min(SAMPLED_ROWS, m);
        for (int s = 0; s < rows; s++) {
            int i = (int) ((long) s * (m - 1) / Math.max(1, rows - 1));
            for (int j = 0; j < m; j++) {
                double exact = 0;
                double magnitude = 0;
                for (int p = 0; p < k; p++) {
                    double product = (double) a[i * k + p] * a[j * k + p];
                    exact += product;
                    magnitude += Math.abs(product);
                }
                if (magnitude > 0) {
                    worst = Math.max(worst, Math.abs(c[i * m + j] - exact) / magnitude);
                }
            }
        }
        return worst;
    }
}
