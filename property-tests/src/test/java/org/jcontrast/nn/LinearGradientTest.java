package org.jcontrast.nn;

import org.jcontrast.testkit.Gen;
import org.jcontrast.testkit.GradCheck;
import org.jcontrast.testkit.Property;
import org.jcontrast.testkit.Tolerance;
import org.junit.jupiter.api.Test;

/** The affine layer's value and gradients against a float64 twin, with the test kit, on random shapes. */
class LinearGradientTest {
    /** Float32 rounding of O(1) terms summed over ≤ 6 products: a few 1e-6 of max(1, largest entry). */
    private static final Tolerance TOLERANCE = new Tolerance(1e-4, 1, 1);

    @Test
    void affineMatchesFloat64AndItsGradientsMatchCentralDifferences() {
        Property.forAll("affine", 30, g -> {
            int rows = g.size(1, 5), in = g.size(1, 5), out = g.size(1, 4);
            boolean bias = g.bool();
            GradCheck.Function64 twin = v -> {
                double[] y = new double[rows * out];
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < out; c++) {
                        double s = bias ? v[2][c] : 0;
                        for (int k = 0; k < in; k++) {
                            s += v[0][r * in + k] * v[1][k * out + c];
                        }
                        y[r * out + c] = s;
                    }
                }
                return y;
            };
            GradCheck check = GradCheck.of(v -> Linear.affine(v[0], v[1], bias ? v[2] : null)).named("affine")
                    .reference(twin).tolerance(TOLERANCE).seed(g.seed());
            if (bias) {
                check.assertPasses(normal(g, rows, in), normal(g, in, out), normal(g, 1, out).reshape(out));
            } else {
                check.assertPasses(normal(g, rows, in), normal(g, in, out));
            }
        });
    }

    private static org.jcontrast.tensor.Tensor normal(Gen g, int rows, int cols) {
        return g.normal(rows, cols, 1);
    }
}
