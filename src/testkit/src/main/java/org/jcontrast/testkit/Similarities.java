package org.jcontrast.testkit;

import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;

/** Float64 cosine similarities of the 2N samples [view 1 | view 2], and an anchor's negatives among them. */
final class Similarities {
    private Similarities() {
    }

    /** The 2N×2N cosine similarities (a zero row is similar to nothing: 0). */
    static double[][] cosine(Tensor z1, Tensor z2) {
        int n = z1.dim(0), d = z1.dim(1);
        double[][] unit = new double[2 * n][d];
        for (int i = 0; i < 2 * n; i++) {
            Tensor z = i < n ? z1 : z2;
            int r = i % n;
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += (double) z.get(r, j) * z.get(r, j);
            }
            norm = Math.sqrt(norm);
            for (int j = 0; j < d; j++) {
                unit[i][j] = norm == 0 ? 0 : z.get(r, j) / norm;
            }
        }
        double[][] s = new double[2 * n][2 * n];
        for (int a = 0; a < 2 * n; a++) {
            for (int b = 0; b < 2 * n; b++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += unit[a][j] * unit[b][j];
                }
                s[a][b] = dot;
            }
        }
        return s;
    }

    /** The positive of anchor {@code a} among 2N: the same row of the other view. */
    static int positive(int a, int n) {
        return a < n ? a + n : a - n;
    }

    /** Whether {@code b} is one of anchor {@code a}'s negatives under {@code set}. */
    static boolean isNegative(int a, int b, int n, NegativeSet set) {
        return b != a && b != positive(a, n) && (set == NegativeSet.ALL || (a < n) != (b < n));
    }

    /** Anchor {@code a}'s similarities to its negatives under {@code set}, in index order. */
    static double[] negatives(double[][] s, int a, int n, NegativeSet set) {
        int count = 0;
        double[] out = new double[2 * n];
        for (int b = 0; b < 2 * n; b++) {
            if (isNegative(a, b, n, set)) {
                out[count++] = s[a][b];
            }
        }
        return java.util.Arrays.copyOf(out, count);
    }
}
