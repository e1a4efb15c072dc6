package org.jcontrast.internal.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.Contexts;
import org.jcontrast.testing.Reference64;
import org.junit.jupiter.api.Test;

/** Tensor-level operations on the provider chosen for this JVM (the suite runs once per path). */
class OpsTest {

    @Test
    void firstNonFiniteFindsTheFirstAcrossTheThreadsChunks() throws Exception {
        Contexts.withThreads(3, () -> {
            int n = 100_003;
            Tensor x = Tensor.uniform(new SplittableRandom(9), -1, 1, n);
            assertEquals(-1, Ops.firstNonFinite(x));
            x.set(n - 2, Float.NEGATIVE_INFINITY);
            assertEquals(n - 2, Ops.firstNonFinite(x), "only in the last chunk");
            x.set(40_000, Float.NaN);
            assertEquals(40_000, Ops.firstNonFinite(x), "the middle chunk's, before the last's");
            x.set(7, Float.POSITIVE_INFINITY);
            assertEquals(7, Ops.firstNonFinite(x), "the first chunk's");
            assertEquals(-1, Ops.firstNonFinite(Tensor.zeros(5)), "one chunk");
        });
    }

    private static Tensor randn(long seed, int... shape) {
        return Tensor.randn(new SplittableRandom(seed), shape);
    }

    private static void assertClose(double[] expect, Tensor got, double tol, String what) {
        assertEquals(expect.length, got.size(), what + " size");
        for (int i = 0; i < expect.length; i++) {
            double e = expect[i];
            double g = got.get(i);
            if (!(Math.abs(e - g) <= tol * Math.max(1, Math.abs(e)))) {
                throw new AssertionError(what + "[" + i + "] = " + g + ", expected " + e);
            }
        }
    }

    @Test
    void matmulAllTransposesAgainstFloat64() {
        Tensor a = randn(1, 67, 45);
        Tensor b = randn(2, 45, 131);
        double[] ref = Reference64.matmul(false, false, 67, 131, 45, a.toDoubleArray(), b.toDoubleArray());
        assertClose(ref, Ops.matmul(a, b), 1e-4, "NN");
        Tensor at = Ops.matmul(Tensor.wrap(transpose(a), 45, 67), true, b, false);
        assertClose(ref, at, 1e-4, "TN");
        Tensor bt = Ops.matmul(a, false, Tensor.wrap(transpose(b), 131, 45), true);
        assertClose(ref, bt, 1e-4, "NT");
    }

    @Test
    void matmulIsIdenticalForAnyThreadCount() throws Exception {
        Tensor a = randn(3, 300, 200);
        Tensor[] one = new Tensor[1];
        Contexts.withThreads(1, () -> one[0] = Ops.matmul(a, false, a, true));
        Contexts.withThreads(3, () -> assertArrayEquals(one[0].toArray(), Ops.matmul(a, false, a, true).toArray()));
    }

    @Test
    void gramEqualsMatmulWithTransposeAndIsSymmetric() {
        for (int n : new int[] {1, 7, 13, 207, 1000}) {
            Tensor a = randn(n, n, 29);
            Tensor g = Ops.gram(a);
            double[] ref = Reference64.matmul(false, true, n, n, 29, a.toDoubleArray(), a.toDoubleArray());
            assertClose(ref, g, 1e-4, "gram n=" + n);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < i; j++) {
                    assertEquals(g.get(i, j), g.get(j, i), "symmetry at " + i + "," + j);
                }
            }
        }
    }

    @Test
    void gramIsIdenticalForAnyThreadCountAndMatchesTheFullProduct() throws Exception {
        Tensor a = randn(5, 700, 150);
        Tensor[] gram = new Tensor[1];
        Contexts.withThreads(1, () -> gram[0] = Ops.gram(a));
        Tensor one = gram[0];
        Contexts.withThreads(3, () -> {
            Tensor three = Tensor.full(Float.NaN, 700, 700);
            Ops.gramInto(a, three);
            assertArrayEquals(one.toArray(), three.toArray());
            double[] ref = Reference64.matmul(false, true, 700, 700, 150, a.toDoubleArray(), a.toDoubleArray());
            assertClose(ref, three, 1e-4, "gram 700x150 on 3 threads");
        });
    }

    @Test
    void gramIntoNamesBothShapesOnMismatch() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.gramInto(Tensor.zeros(5, 3), Tensor.zeros(5, 4)));
        assertTrue(e.getMessage().contains("[5, 4]") && e.getMessage().contains("[5, 3]"), e.getMessage());
    }

    @Test
    void gramTilesCoverTheProduct() {
        int n = 150, k = 33;
        Tensor a = randn(4, n, k);
        double[] ref = Reference64.matmul(false, true, n, n, k, a.toDoubleArray(), a.toDoubleArray());
        int[][] tiles = {{0, 64, 0, 64}, {64, 128, 0, 64}, {128, 150, 64, 128}, {128, 150, 128, 150}, {10, 11, 3, 140}};
        for (int[] t : tiles) {
            Tensor out = Tensor.full(Float.NaN, t[1] - t[0], t[3] - t[2]);
            Ops.gramTileInto(a, t[0], t[1], t[2], t[3], out);
            for (int i = t[0]; i < t[1]; i++) {
                for (int j = t[2]; j < t[3]; j++) {
                    assertEquals(ref[i * n + j], out.get(i - t[0], j - t[2]), 1e-4, "tile entry " + i + "," + j);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> Ops.gramTileInto(a, 0, 10, 0, 10, Tensor.zeros(10, 9)));
    }

    @Test
    void rowOpsAgainstFloat64IncludingLargeValues() {
        for (int cols : new int[] {1, 7, 13, 207, 4098}) {
            Tensor x = Ops.scale(randn(cols, 5, cols), 30f);
            x.set(2, 0, 1000f); // logsumexp must not overflow
            double[] xd = x.toDoubleArray();
            assertClose(Reference64.rowLogSumExp(xd, 5, cols), Ops.rowLogSumExp(x), 1e-5, "logsumexp");
            double[] sm = Reference64.softmaxRows(xd, 5, cols);
            assertClose(sm, Ops.softmaxRows(x), 1e-5, "softmax");
            double[] lse = Reference64.rowLogSumExp(xd, 5, cols);
            double[] lsm = new double[xd.length];
            for (int i = 0; i < xd.length; i++) {
                lsm[i] = xd[i] - lse[i / cols];
            }
            assertClose(lsm, Ops.logSoftmaxRows(x), 1e-5, "logsoftmax");
            for (int r = 0; r < 5; r++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < cols; j++) {
                    m = Math.max(m, xd[r * cols + j]);
                }
                assertEquals(m, Ops.rowMax(x).get(r), 0.0);
            }
        }
    }

    @Test
    void logSumExpOfInfiniteRows() {
        Tensor x = Tensor.fromRows(new float[][] {
                {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY},
                {Float.POSITIVE_INFINITY, 1f},
                {Float.NaN, 1f}});
        Tensor lse = Ops.rowLogSumExp(x);
        assertEquals(Float.NEGATIVE_INFINITY, lse.get(0));
        assertEquals(Float.POSITIVE_INFINITY, lse.get(1));
        assertTrue(Float.isNaN(lse.get(2)));
    }

    @Test
    void normalizeRowsAndItsBackwardAgainstFloat64FiniteDifferences() {
        int rows = 6, cols = 11;
        float eps = 1e-3f;
        Tensor z = randn(5, rows, cols);
        for (int j = 0; j < cols; j++) {
            z.set(4, j, 1e-5f); // this row's norm is below eps: the clamped branch
        }
        Tensor g = randn(6, rows, cols);
        assertClose(Reference64.normalizeRows(z.toDoubleArray(), rows, cols, eps), Ops.normalizeRows(z, eps), 1e-6,
                "normalize");
        Tensor grad = Ops.normalizeRowsBackward(z, g, eps);
        double[] zd = z.toDoubleArray();
        double[] gd = g.toDoubleArray();
        double h = 1e-7;
        for (int i = 0; i < zd.length; i++) {
            double[] plus = zd.clone();
            double[] minus = zd.clone();
            plus[i] += h;
            minus[i] -= h;
            double[] yp = Reference64.normalizeRows(plus, rows, cols, eps);
            double[] ym = Reference64.normalizeRows(minus, rows, cols, eps);
            double fd = 0;
            for (int q = 0; q < zd.length; q++) {
                fd += gd[q] * (yp[q] - ym[q]) / (2 * h);
            }
            assertEquals(fd, grad.get(i), 1e-3 * Math.max(1, Math.abs(fd)), "d/dz[" + i + "]");
        }
    }

    @Test
    void elementwiseAndSums() {
        Tensor x = randn(8, 70, 513);
        Tensor y = randn(9, 70, 513);
        double[] xd = x.toDoubleArray();
        double[] yd = y.toDoubleArray();
        double[] e = new double[xd.length];
        double sum = 0;
        for (int i = 0; i < xd.length; i++) {
            e[i] = Math.exp(xd[i]);
            sum += xd[i];
        }
        assertClose(e, Ops.exp(x), 3e-6, "exp");
        Tensor absX = Ops.exp(x);
        double[] logs = new double[xd.length];
        for (int i = 0; i < xd.length; i++) {
            logs[i] = Math.log(absX.get(i));
        }
        assertClose(logs, Ops.log(absX), 1e-6, "log");
        Tensor sum2 = Ops.add(x, y);
        Tensor prod = Ops.mul(x, y);
        Tensor scaled = Ops.scale(x, -3f);
        for (int i = 0; i < xd.length; i += 97) {
            assertEquals(xd[i] + yd[i], sum2.get(i), 1e-6);
            assertEquals(xd[i] * yd[i], prod.get(i), 1e-5);
            assertEquals(-3 * xd[i], scaled.get(i), 1e-5);
        }
        assertEquals(sum, Ops.sum(x), 1e-2);
        assertEquals(sum / xd.length, Ops.mean(x), 1e-6);
        Tensor cs = Ops.colSums(x);
        Tensor rs = Ops.rowSums(x);
        for (int j = 0; j < 513; j += 50) {
            double s = 0;
            for (int i = 0; i < 70; i++) {
                s += xd[i * 513 + j];
            }
            assertEquals(s, cs.get(j), 1e-4);
        }
        double r0 = 0;
        for (int j = 0; j < 513; j++) {
            r0 += xd[j];
        }
        assertEquals(r0, rs.get(0), 1e-4);
        Tensor acc = y.copy();
        Ops.axpyInto(2f, x, acc);
        assertEquals(yd[5] + 2 * xd[5], acc.get(5), 1e-5);
    }

    @Test
    void shapeMismatchesNameBothShapes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Ops.matmul(Tensor.zeros(3, 4), Tensor.zeros(5, 6)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Ops.add(Tensor.zeros(3), Tensor.zeros(4)));
        assertTrue(e.getMessage().contains("[3]") && e.getMessage().contains("[4]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ops.gram(Tensor.zeros(3)));
    }

    @Test
    void aRankOneOperandIsRefusedNamingTheOperandAndItsShape() {
        Tensor matrix = Tensor.zeros(4, 4), vector = Tensor.zeros(4);
        for (boolean trans : new boolean[] {false, true}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Ops.matmul(vector, trans, matrix, false));
            assertTrue(e.getMessage().contains("matmul (A)") && e.getMessage().contains("[4]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(matrix, false, vector, trans));
            assertTrue(e.getMessage().contains("matmul (B)") && e.getMessage().contains("[4]"), e.getMessage());
        }
    }

    private static float[] transpose(Tensor t) {
        int r = t.dim(0), c = t.dim(1);
        float[] out = new float[r * c];
        for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
                out[j * r + i] = t.get(i, j);
            }
        }
        return out;
    }
}
