package org.jcontrast.autograd;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Reference64;
import org.jcontrast.testkit.Gen;
import org.jcontrast.testkit.GradCheck;
import org.jcontrast.testkit.GradCheck.Function64;
import org.jcontrast.testkit.Property;
import org.jcontrast.testkit.Tolerance;
import org.junit.jupiter.api.Test;

/**
 * Every autograd operation against a float64 re-implementation of it: the float32 value, and the
 * gradient of each input under a random seed gradient against float64 central differences.
 * Shapes are random from 1×1 up; inputs stay away from the points where an operation is not
 * differentiable (relu and clamp at their kinks, normalisation at ‖z‖ = eps).
 */
class AutogradOpPropertyTest {
    private static final int TRIALS = 25;
    /**
     * Tolerances relative to max(1, largest expected entry). Inputs and seeds are O(1) float32
     * values, so the float64 side differs only by the op's float32 rounding of O(1) intermediate
     * terms: ~6e-8 each, growing with the ≤ 8-term sums here to ~1e-6 absolute for values and a few
     * 1e-6 for gradients, even where the exact result cancels to 0 (the floor of 1). The kit's
     * central differences on the float64 twin (h = 1e-6) are exact to ~1e-9. The bound leaves a
     * factor of 10–100 over that; a missing or wrong term in a backward is off by O(1).
     */
    private static final Tolerance TOLERANCE = new Tolerance(1e-4, 1, 1);

    /**
     * Runs {@code op} on parameters holding {@code inputs} and checks, with the test kit, its value
     * against {@code reference} and its gradients, under a random projection of the output, against
     * central differences of {@code reference}.
     */
    private static void check(Gen gen, String name, List<Tensor> inputs, Function<Variable[], Variable> op,
                              Function64 reference) {
        GradCheck.of(op::apply).named(name).seed(gen.random().nextLong()).reference(reference).tolerance(TOLERANCE)
                .check(inputs.toArray(Tensor[]::new)).orThrow();
    }

    private static Tensor normal(Gen gen, int rows, int cols) {
        return gen.normal(rows, cols, 1);
    }

    /** Uniform values in [lo, hi), each at least {@code gap} away from every kink. */
    private static Tensor awayFrom(Gen gen, int rows, int cols, double lo, double hi, double gap, double... kinks) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < t.size(); i++) {
            double v;
            do {
                v = gen.doubleIn(lo, hi);
            } while (near(v, gap, kinks));
            t.set(i, (float) v);
        }
        return t;
    }

    private static boolean near(double v, double gap, double[] kinks) {
        for (double k : kinks) {
            if (Math.abs(v - k) < gap) {
                return true;
            }
        }
        return false;
    }

    private static Tensor positive(Gen gen, int rows, int cols) {
        return Tensor.uniform(gen.random(), 0.3f, 3f, rows, cols);
    }

    // ---- products ----

    @Test
    void matmulWithEveryTranspose() {
        Property.forAll("matmul", TRIALS, g -> {
            int m = g.size(1, 5), k = g.size(1, 5), n = g.size(1, 5);
            boolean ta = g.bool(), tb = g.bool();
            Tensor a = ta ? normal(g, k, m) : normal(g, m, k);
            Tensor b = tb ? normal(g, n, k) : normal(g, k, n);
            check(g, "matmul " + (ta ? "T" : "N") + (tb ? "T" : "N"), List.of(a, b),
                    v -> Products.matmul(v[0], ta, v[1], tb),
                    x -> Reference64.matmul(ta, tb, m, n, k, x[0], x[1]));
        });
    }

    @Test
    void matmulOfAVariableWithItsOwnTransposeAndGram() {
        Property.forAll("Z·Zᵀ", TRIALS, g -> {
            int n = g.size(1, 5), k = g.size(1, 5);
            Tensor z = normal(g, n, k);
            Function64 ref = x -> Reference64.matmul(false, true, n, n, k, x[0], x[0]);
            check(g, "matmul(Z, Zᵀ)", List.of(z), v -> Products.matmul(v[0], false, v[0], true), ref);
            check(g, "gram", List.of(z), v -> Products.gram(v[0]), ref);
        });
    }

    // ---- elementwise ----

    /** NumPy-style broadcasting of two rank-≤2 shapes, re-implemented in float64 for the reference. */
    private static Function64 broadcast(int[] xs, int[] ys, DoubleBinaryOperator f) {
        int xr = xs.length == 2 ? xs[0] : 1, xc = xs.length == 0 ? 1 : xs[xs.length - 1];
        int yr = ys.length == 2 ? ys[0] : 1, yc = ys.length == 0 ? 1 : ys[ys.length - 1];
        int rows = Math.max(xr, yr), cols = Math.max(xc, yc);
        return in -> {
            double[] out = new double[rows * cols];
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double a = in[0][(xr == 1 ? 0 : i) * xc + (xc == 1 ? 0 : j)];
                    double b = in[1][(yr == 1 ? 0 : i) * yc + (yc == 1 ? 0 : j)];
                    out[i * cols + j] = f.applyAsDouble(a, b);
                }
            }
            return out;
        };
    }

    @Test
    void binaryArithmeticWithBroadcasting() {
        Property.forAll("add/sub/mul/div", TRIALS, g -> {
            int r = g.size(1, 5), c = g.size(1, 5);
            int[][] shapes = {{r, c}, {c}, {1, c}, {r, 1}, {}, {1, 1}};
            int[] full = {r, c};
            int[] other = shapes[g.intIn(0, shapes.length - 1)];
            boolean swap = g.bool();
            int[] xs = swap ? other : full, ys = swap ? full : other;
            Tensor x = normal(g, 1, sizeOf(xs)).reshape(xs);
            Tensor y = normal(g, 1, sizeOf(ys)).reshape(ys);
            Tensor divisor = awayFrom(g, 1, sizeOf(ys), -2, 2, 0.5, 0).reshape(ys);
            String shapesText = x.shapeString() + " and " + y.shapeString();
            check(g, "add " + shapesText, List.of(x, y), v -> Arithmetic.add(v[0], v[1]),
                    broadcast(xs, ys, Double::sum));
            check(g, "sub " + shapesText, List.of(x, y), v -> Arithmetic.sub(v[0], v[1]),
                    broadcast(xs, ys, (a, b) -> a - b));
            check(g, "mul " + shapesText, List.of(x, y), v -> Arithmetic.mul(v[0], v[1]),
                    broadcast(xs, ys, (a, b) -> a * b));
            check(g, "div " + shapesText, List.of(x, divisor), v -> Arithmetic.div(v[0], v[1]),
                    broadcast(xs, ys, (a, b) -> a / b));
        });
    }

    private static int sizeOf(int[] shape) {
        int s = 1;
        for (int d : shape) {
            s *= d;
        }
        return s;
    }

    private static Function64 map(DoubleUnaryOperator f) {
        return x -> {
            double[] out = new double[x[0].length];
            for (int i = 0; i < out.length; i++) {
                out[i] = f.applyAsDouble(x[0][i]);
            }
            return out;
        };
    }

    @Test
    void unaryFunctions() {
        Property.forAll("unary", TRIALS, g -> {
            int r = g.size(1, 5), c = g.size(1, 5);
            float alpha = (float) g.doubleIn(-3, 3);
            check(g, "scale", List.of(normal(g, r, c)), v -> Arithmetic.scale(v[0], alpha), map(x -> alpha * x));
            check(g, "exp", List.of(normal(g, r, c)), v -> Arithmetic.exp(v[0]), map(Math::exp));
            check(g, "log", List.of(positive(g, r, c)), v -> Arithmetic.log(v[0]), map(Math::log));
            check(g, "sqrt", List.of(positive(g, r, c)), v -> Arithmetic.sqrt(v[0]), map(Math::sqrt));
            check(g, "relu", List.of(awayFrom(g, r, c, -2, 2, 0.01, 0)), v -> Arithmetic.relu(v[0]),
                    map(x -> Math.max(x, 0)));
            float lo = (float) g.doubleIn(-1, 0), hi = lo + (float) g.doubleIn(0.1, 1);
            check(g, "clamp", List.of(awayFrom(g, r, c, -2, 2, 0.01, lo, hi)), v -> Arithmetic.clamp(v[0], lo, hi),
                    map(v -> Math.min(Math.max(v, lo), hi)));
        });
    }

    // ---- reductions and row functions ----

    /** A per-row or per-column float64 reduction of an r×c matrix. */
    private static Function64 reduce(int r, int c, boolean perRow, boolean mean) {
        return x -> {
            double[] out = new double[perRow ? r : c];
            for (int i = 0; i < r; i++) {
                for (int j = 0; j < c; j++) {
                    out[perRow ? i : j] += x[0][i * c + j] / (mean ? (perRow ? c : r) : 1);
                }
            }
            return out;
        };
    }

    @Test
    void sumsAndMeans() {
        Property.forAll("sum/mean", TRIALS, g -> {
            int r = g.size(1, 5), c = g.size(1, 5);
            Tensor x = normal(g, r, c);
            Function64 total = in -> new double[] {Arrays.stream(in[0]).sum()};
            check(g, "sum", List.of(x), v -> Reductions.sum(v[0]), total);
            check(g, "mean", List.of(x), v -> Reductions.mean(v[0]), in -> new double[] {total.apply(in)[0] / (r * c)});
            check(g, "sumRows", List.of(x), v -> Reductions.sumRows(v[0]), reduce(r, c, true, false));
            check(g, "meanRows", List.of(x), v -> Reductions.meanRows(v[0]), reduce(r, c, true, true));
            check(g, "sumCols", List.of(x), v -> Reductions.sumCols(v[0]), reduce(r, c, false, false));
            check(g, "meanCols", List.of(x), v -> Reductions.meanCols(v[0]), reduce(r, c, false, true));
        });
    }

    private static Tensor logits(Gen g, int r, int c) {
        return g.normal(r, c, 3);
    }

    @Test
    void logSumExpSoftmaxAndLogSoftmax() {
        Property.forAll("softmax", TRIALS, g -> {
            int r = g.size(1, 5), c = g.size(1, 5);
            Tensor x = logits(g, r, c);
            check(g, "logSumExpRows", List.of(x), v -> Softmax.logSumExpRows(v[0]),
                    in -> Reference64.rowLogSumExp(in[0], r, c));
            check(g, "softmaxRows", List.of(x), v -> Softmax.softmaxRows(v[0]),
                    in -> Reference64.softmaxRows(in[0], r, c));
            check(g, "logSoftmaxRows", List.of(x), v -> Softmax.logSoftmaxRows(v[0]), in -> {
                double[] lse = Reference64.rowLogSumExp(in[0], r, c);
                double[] out = new double[r * c];
                for (int i = 0; i < out.length; i++) {
                    out[i] = in[0][i] - lse[i / c];
                }
                return out;
            });
        });
    }

    @Test
    void logSumExpAndLogSoftmaxOverMaskedLogits() {
        Property.forAll("masked softmax", TRIALS, g -> {
            int r = g.size(1, 5), c = g.size(2, 4);
            Tensor x = logits(g, r, c);
            Tensor mask = Tensor.zeros(r, c);
            for (int i = 0; i < r; i++) {
                int kept = g.intIn(0, c - 1); // at least one entry of each row stays
                for (int j = 0; j < c; j++) {
                    mask.set(i, j, j != kept && g.bool() ? 1f : 0f);
                }
            }
            check(g, "logSumExpRows(maskedFill(−∞))", List.of(x),
                    v -> Softmax.logSumExpRows(Indexing.maskedFill(v[0], mask, Float.NEGATIVE_INFINITY)), in -> {
                        double[] out = new double[r];
                        for (int i = 0; i < r; i++) {
                            double s = 0;
                            for (int j = 0; j < c; j++) {
                                s += mask.get(i, j) != 0 ? 0 : Math.exp(in[0][i * c + j]);
                            }
                            out[i] = Math.log(s);
                        }
                        return out;
                    });
            // the masked entries of a log-softmax are −∞; zeroing them again keeps 0·∞ out, as SupCon does
            check(g, "maskedFill(logSoftmaxRows(maskedFill(−∞)), 0)", List.of(x),
                    v -> Indexing.maskedFill(Softmax.logSoftmaxRows(
                            Indexing.maskedFill(v[0], mask, Float.NEGATIVE_INFINITY)), mask, 0f), in -> {
                        double[] out = new double[r * c];
                        for (int i = 0; i < r; i++) {
                            double s = 0;
                            for (int j = 0; j < c; j++) {
                                s += mask.get(i, j) != 0 ? 0 : Math.exp(in[0][i * c + j]);
                            }
                            for (int j = 0; j < c; j++) {
                                out[i * c + j] = mask.get(i, j) != 0 ? 0 : in[0][i * c + j] - Math.log(s);
                            }
                        }
                        return out;
                    });
        });
    }

    // ---- normalisation ----

    @Test
    void normalizeRowsIncludingRowsShorterThanEps() {
        Property.forAll("normalizeRows", TRIALS, g -> {
            int r = g.size(1, 5), c = g.size(1, 5);
            boolean clampSome = g.bool();
            float eps = clampSome ? 0.5f : 1e-12f;
            Tensor z = normal(g, r, c);
            for (int i = 0; i < r; i++) {
                // norms in [0.05, 0.4] (clamped to eps) or [0.7, 3]: never within 0.1 of the kink at eps
                boolean shortRow = clampSome && g.bool();
                double target = shortRow ? g.doubleIn(0.05, 0.4) : g.doubleIn(0.7, 3);
                double norm = 0;
                for (int j = 0; j < c; j++) {
                    norm += z.get(i, j) * z.get(i, j);
                }
                float s = (float) (target / Math.sqrt(norm));
                for (int j = 0; j < c; j++) {
                    z.set(i, j, z.get(i, j) * s);
                }
            }
            check(g, "normalizeRows eps=" + eps, List.of(z), v -> Normalization.normalizeRows(v[0], eps),
                    in -> Reference64.normalizeRows(in[0], r, c, eps));
        });
    }

    @Test
    void batchNormInTrainingMode() {
        Property.forAll("batchNorm", TRIALS, g -> {
            int b = g.size(2, 5), c = g.size(1, 4);
            float eps = (float) g.doubleIn(1e-5, 0.1);
            Tensor x = normal(g, b, c);
            Tensor gamma = normal(g, 1, c).reshape(c);
            Tensor beta = normal(g, 1, c).reshape(c);
            check(g, "batchNorm", List.of(x, gamma, beta), v -> Normalization.batchNorm(v[0], v[1], v[2], eps), in -> {
                double[] out = new double[b * c];
                for (int j = 0; j < c; j++) {
                    double mean = 0, var = 0;
                    for (int i = 0; i < b; i++) {
                        mean += in[0][i * c + j] / b;
                    }
                    for (int i = 0; i < b; i++) {
                        var += (in[0][i * c + j] - mean) * (in[0][i * c + j] - mean) / b;
                    }
                    for (int i = 0; i < b; i++) {
                        out[i * c + j] = (in[0][i * c + j] - mean) / Math.sqrt(var + eps) * in[1][j] + in[2][j];
                    }
                }
                return out;
            });
        });
    }

    // ---- indexing and layout ----

    private static int[] indices(Gen g, int count, int bound) {
        int[] idx = new int[count];
        for (int k = 0; k < count; k++) {
            idx[k] = g.intIn(0, bound - 1);
        }
        return idx;
    }

    @Test
    void pickDiagonalAndSelections() {
        Property.forAll("indexing", TRIALS, g -> {
            int r = g.size(1, 5), c = g.size(1, 5);
            Tensor x = normal(g, r, c);
            int[] perRow = indices(g, r, c);
            check(g, "pick", List.of(x), v -> Indexing.pick(v[0], perRow), in -> {
                double[] out = new double[r];
                for (int i = 0; i < r; i++) {
                    out[i] = in[0][i * c + perRow[i]];
                }
                return out;
            });
            Tensor square = normal(g, c, c);
            check(g, "diagonal", List.of(square), v -> Indexing.diagonal(v[0]), in -> {
                double[] out = new double[c];
                for (int i = 0; i < c; i++) {
                    out[i] = in[0][i * c + i];
                }
                return out;
            });
            int[] rows = indices(g, g.size(1, 5), r); // repeats are likely: their gradients add up
            check(g, "selectRows", List.of(x), v -> Indexing.selectRows(v[0], rows), in -> {
                double[] out = new double[rows.length * c];
                for (int k = 0; k < rows.length; k++) {
                    System.arraycopy(in[0], rows[k] * c, out, k * c, c);
                }
                return out;
            });
            int[] cols = indices(g, g.size(1, 5), c);
            check(g, "selectCols", List.of(x), v -> Indexing.selectCols(v[0], cols), in -> {
                double[] out = new double[r * cols.length];
                for (int i = 0; i < r; i++) {
                    for (int k = 0; k < cols.length; k++) {
                        out[i * cols.length + k] = in[0][i * c + cols[k]];
                    }
                }
                return out;
            });
            Tensor mask = Tensor.zeros(r, c);
            for (int i = 0; i < mask.size(); i++) {
                mask.set(i, g.bool() ? 1f : 0f);
            }
            float fill = (float) g.doubleIn(-2, 2);
            check(g, "maskedFill", List.of(x), v -> Indexing.maskedFill(v[0], mask, fill), in -> {
                double[] out = in[0].clone();
                for (int i = 0; i < out.length; i++) {
                    out[i] = mask.get(i) != 0 ? fill : out[i];
                }
                return out;
            });
            check(g, "mul by a constant mask", List.of(x), v -> Arithmetic.mul(v[0], Variable.constant(mask)), in -> {
                double[] out = in[0].clone();
                for (int i = 0; i < out.length; i++) {
                    out[i] *= mask.get(i);
                }
                return out;
            });
        });
    }

    @Test
    void concatSliceReshapeTranspose() {
        Property.forAll("layout", TRIALS, g -> {
            int r1 = g.size(1, 4), r2 = g.size(1, 4), c1 = g.size(1, 4), c2 = g.size(1, 4);
            Tensor a = normal(g, r1, c1);
            Tensor b = normal(g, r2, c1);
            Tensor side = normal(g, r1, c2);
            check(g, "concatRows", List.of(a, b), v -> Layout.concatRows(v[0], v[1]), in -> {
                double[] out = new double[(r1 + r2) * c1];
                System.arraycopy(in[0], 0, out, 0, r1 * c1);
                System.arraycopy(in[1], 0, out, r1 * c1, r2 * c1);
                return out;
            });
            check(g, "concatCols", List.of(a, side, a), v -> Layout.concatCols(v[0], v[1], v[2]), in -> {
                int width = 2 * c1 + c2;
                double[] out = new double[r1 * width];
                for (int i = 0; i < r1; i++) {
                    System.arraycopy(in[0], i * c1, out, i * width, c1);
                    System.arraycopy(in[1], i * c2, out, i * width + c1, c2);
                    System.arraycopy(in[2], i * c1, out, i * width + c1 + c2, c1);
                }
                return out;
            });
            int from = g.intIn(0, r1 - 1), to = g.intIn(from + 1, r1);
            check(g, "sliceRows", List.of(a), v -> Layout.sliceRows(v[0], from, to),
                    in -> Arrays.copyOfRange(in[0], from * c1, to * c1));
            check(g, "reshape", List.of(a), v -> Layout.reshape(v[0], c1, r1), in -> in[0].clone());
            check(g, "transpose", List.of(a), v -> Layout.transpose(v[0]), in -> {
                double[] out = new double[r1 * c1];
                for (int i = 0; i < r1; i++) {
                    for (int j = 0; j < c1; j++) {
                        out[j * r1 + i] = in[0][i * c1 + j];
                    }
                }
                return out;
            });
        });
    }

    // ---- composition and the check itself ----

    @Test
    void aProjectionHeadComposesEveryGradient() {
        Property.forAll("projection head", TRIALS, g -> {
            int b = g.size(2, 4), din = g.size(1, 4), hidden = g.size(1, 4), dout = g.size(1, 4);
            float eps = 1e-3f;
            List<Tensor> inputs;
            boolean[] wellConditioned = {false};
            do {
                inputs = List.of(normal(g, b, din), normal(g, din, hidden), normal(g, 1, hidden).reshape(hidden),
                        normal(g, 1, hidden).reshape(hidden), normal(g, hidden, dout));
                double[][] x64 = inputs.stream().map(Tensor::toDoubleArray).toArray(double[][]::new);
                head64(x64, b, din, hidden, dout, eps, wellConditioned);
            } while (!wellConditioned[0]);
            // normalize(relu(batchNorm(x·W1))·W2): the trainer's head in front of a loss
            check(g, "head", inputs, v -> Normalization.normalizeRows(Products.matmul(
                    Arithmetic.relu(Normalization.batchNorm(Products.matmul(v[0], v[1]), v[2], v[3], eps)), v[4]),
                    1e-12f), in -> head64(in, b, din, hidden, dout, eps, new boolean[1]));
        });
    }

    /**
     * The head in float64. {@code wellConditioned[0]} says whether the point is far from where the
     * head is not differentiable or ill-conditioned: no pre-activation within 1e-3 of relu's kink,
     * and no output row shorter than 0.1 but not zero (normalising it would amplify float32
     * rounding by 1/‖row‖).
     */
    private static double[] head64(double[][] in, int b, int din, int hidden, int dout, double eps,
                                   boolean[] wellConditioned) {
        double[] h = Reference64.matmul(false, false, b, hidden, din, in[0], in[1]);
        boolean ok = true;
        for (int j = 0; j < hidden; j++) {
            double mean = 0, var = 0;
            for (int i = 0; i < b; i++) {
                mean += h[i * hidden + j] / b;
            }
            for (int i = 0; i < b; i++) {
                var += (h[i * hidden + j] - mean) * (h[i * hidden + j] - mean) / b;
            }
            for (int i = 0; i < b; i++) {
                double y = (h[i * hidden + j] - mean) / Math.sqrt(var + eps) * in[2][j] + in[3][j];
                ok &= Math.abs(y) >= 1e-3;
                h[i * hidden + j] = Math.max(y, 0);
            }
        }
        double[] out = Reference64.matmul(false, false, b, dout, hidden, h, in[4]);
        for (int i = 0; i < b; i++) {
            double norm = 0;
            for (int j = 0; j < dout; j++) {
                norm += out[i * dout + j] * out[i * dout + j];
            }
            ok &= norm == 0 || norm >= 0.01;
        }
        wellConditioned[0] = ok;
        return Reference64.normalizeRows(out, b, dout, 1e-12);
    }

    @Test
    void theCheckCatchesAWrongBackward() {
        // exp's value with the backward of the identity: only the gradient is wrong
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll("wrong backward", 3, g -> {
            Tensor x = normal(g, 2, 3);
            check(g, "exp with a wrong backward", List.of(x), v -> Variable.fromOp("badExp",
                    Ops.exp(v[0].value()), List.of(v[0]), List.of(), grad -> new Tensor[] {grad}),
                    map(Math::exp));
        }));
        assertTrue(e.getMessage().contains("FAILED") && e.getMessage().contains("input 0["), e.getMessage());
    }
}
