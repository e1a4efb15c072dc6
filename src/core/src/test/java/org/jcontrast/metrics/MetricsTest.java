package org.jcontrast.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.ReferenceLosses64;
import org.junit.jupiter.api.Test;

/** Every metric against a direct float64 computation from its definition, on one band and on several. */
class MetricsTest {
    /** Row counts below and above a band of tiles, and not a multiple of it. */
    private static final int[] ROWS = {2, 5, 37, 300};

    private static double[][] unit(Tensor z) {
        int n = z.dim(0), d = z.dim(1);
        double[][] f = new double[n][d];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                s += (double) z.get(i, j) * z.get(i, j);
            }
            for (int j = 0; j < d; j++) {
                f[i][j] = z.get(i, j) / Math.sqrt(s);
            }
        }
        return f;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += a[j] * b[j];
        }
        return s;
    }

    private static double[][] both(Tensor z1, Tensor z2) {
        double[][] a = unit(z1), b = unit(z2);
        double[][] f = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, f, a.length, b.length);
        return f;
    }

    @Test
    void recallAtKCountsTheQueriesWhoseOwnKeyRanksInTheTopK() {
        // Keys 0 and 1 swapped against their queries, key 2 its query's best, key 3 behind key 0.
        Tensor queries = Tensor.fromRows(new float[][] {{1, 0}, {0, 1}, {-1, 0}, {1, 0.2f}});
        Tensor keys = Tensor.fromRows(new float[][] {{0, 1}, {1, 0}, {-1, 0.01f}, {1, 0.5f}});
        assertEquals(0.25, Metrics.recallAtK(queries, keys, 1), 0.0);
        assertEquals(0.5, Metrics.recallAtK(queries, keys, 2), 0.0);
        assertEquals(1.0, Metrics.recallAtK(queries, keys, 4), 0.0);
        // Above one band of rows, against a float64 count.
        SplittableRandom r = new SplittableRandom(4);
        Tensor q = Tensor.randn(r, 600, 6), k = Tensor.randn(r, 600, 6);
        for (int i = 0; i < 600; i++) {
            for (int j = 0; j < 6; j++) {
                k.set(i, j, k.get(i, j) * 0.5f + q.get(i, j));
            }
        }
        double[][] qd = unit(q), kd = unit(k);
        int hits = 0;
        for (int i = 0; i < 600; i++) {
            double own = dot(qd[i], kd[i]);
            int better = 0;
            for (int j = 0; j < 600; j++) {
                double s = dot(qd[i], kd[j]);
                better += s > own || (s == own && j < i) ? 1 : 0;
            }
            hits += better < 5 ? 1 : 0;
        }
        assertEquals(hits / 600.0, Metrics.recallAtK(q, k, 5), 2.0 / 600, "ties of float32 rounding at most");
        assertThrows(IllegalArgumentException.class, () -> Metrics.recallAtK(q, k, 0));
    }

    @Test
    void uniformityAlignmentAndTolerance() {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : ROWS) {
            int d = 1 + r.nextInt(9);
            Tensor z = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
            int[] labels = r.ints(n, 0, 4).toArray();
            double[][] f = unit(z), g = unit(z2);
            double u = 0, tol = 0, align = 0;
            long same = 0;
            for (int i = 0; i < n; i++) {
                for (int j = i + 1; j < n; j++) {
                    double sq = 0;
                    for (int c = 0; c < d; c++) {
                        sq += (f[i][c] - f[j][c]) * (f[i][c] - f[j][c]);
                    }
                    u += Math.exp(-2 * sq);
                    if (labels[i] == labels[j]) {
                        tol += dot(f[i], f[j]);
                        same++;
                    }
                }
                for (int c = 0; c < d; c++) {
                    align += (f[i][c] - g[i][c]) * (f[i][c] - g[i][c]);
                }
            }
            double expect = Math.log(u / (n * (n - 1) / 2.0));
            assertEquals(expect, Metrics.uniformity(z, Metrics.UNIFORMITY_T), 1e-6, "uniformity n=" + n);
            assertEquals(align / n, Metrics.alignment(z, z2), 1e-6, "alignment n=" + n);
            if (same > 0) {
                assertEquals(tol / same, Metrics.tolerance(z, labels), 1e-6, "tolerance n=" + n);
            }
        }
        Tensor distinct = Tensor.randn(r, 3, 2);
        assertTrue(Double.isNaN(Metrics.tolerance(distinct, new int[] {0, 1, 2})), "no shared label");
        Tensor same = Tensor.wrap(new float[] {1, 2, 2, 4, 3, 6}, 3, 2);
        assertEquals(0, Metrics.uniformity(same, 2), 1e-6, "identical directions");
        assertEquals(0, Metrics.alignment(same, same), 0);
    }

    @Test
    void relativePenaltiesOfOneSetAndOfTwoViews() {
        SplittableRandom r = new SplittableRandom(2);
        double tau = 0.3;
        Tensor z = Tensor.randn(r, 6, 4);
        double[][] f = unit(z);
        Tensor p = Metrics.relativePenalties(z, tau);
        for (int i = 0; i < 6; i++) {
            double sum = 0;
            for (int k = 0; k < 6; k++) {
                sum += k == i ? 0 : Math.exp(dot(f[i], f[k]) / tau);
            }
            double rowSum = 0;
            for (int j = 0; j < 6; j++) {
                double expect = j == i ? 0 : Math.exp(dot(f[i], f[j]) / tau) / sum;
                assertEquals(expect, p.get(i, j), 1e-6, "r_" + i + "(s_" + i + j + ")");
                rowSum += p.get(i, j);
            }
            assertEquals(1, rowSum, 1e-6);
        }
        int n = 4;
        Tensor z1 = Tensor.randn(r, n, 3), z2 = Tensor.randn(r, n, 3);
        double[][] g = both(z1, z2);
        Tensor q = Metrics.relativePenalties(z1, z2, tau);
        for (int a = 0; a < 2 * n; a++) {
            int pos = a < n ? a + n : a - n;
            double sum = 0;
            for (int k = 0; k < 2 * n; k++) {
                sum += k == a || k == pos ? 0 : Math.exp(dot(g[a], g[k]) / tau);
            }
            for (int b = 0; b < 2 * n; b++) {
                double expect = b == a || b == pos ? 0 : Math.exp(dot(g[a], g[b]) / tau) / sum;
                assertEquals(expect, q.get(a, b), 1e-6, "paired r_" + a + "(s_" + a + "," + b + ")");
            }
        }
    }

    @Test
    void pairStatisticsNpcAndTheMutualInformationBound() {
        SplittableRandom r = new SplittableRandom(3);
        for (int n : ROWS) {
            int d = 1 + r.nextInt(6);
            double tau = 0.1 + r.nextDouble();
            Tensor z1 = Tensor.randn(r, n, d), z2 = Tensor.randn(r, n, d);
            PairMetrics m = Metrics.pairs(z1, z2, tau);
            double[][] f = both(z1, z2);
            int k = Math.min(10, 2 * n - 2);
            double[] positive = new double[2 * n], npc = new double[2 * n], top = new double[2 * n * k];
            double nt = 0;
            for (int a = 0; a < 2 * n; a++) {
                int pos = a < n ? a + n : a - n;
                positive[a] = dot(f[a], f[pos]);
                double[] neg = new double[2 * n - 2];
                double denom = 0;
                int c = 0;
                for (int b = 0; b < 2 * n; b++) {
                    if (b != a) {
                        denom += Math.exp(dot(f[a], f[b]) / tau);
                    }
                    if (b != a && b != pos) {
                        neg[c++] = dot(f[a], f[b]);
                    }
                }
                npc[a] = 1 - Math.exp(positive[a] / tau) / denom;
                nt += (Math.log(denom) - positive[a] / tau) / (2 * n);
                Arrays.sort(neg);
                for (int j = 0; j < k; j++) {
                    top[a * k + j] = neg[neg.length - 1 - j];
                }
            }
            String what = "n=" + n + " d=" + d;
            assertClose(positive, m.positiveSimilarity(), 1e-6, what + " positive");
            assertClose(npc, m.npcMultiplier(), 1e-5, what + " npc");
            assertClose(top, m.topNegativeSimilarity().toDoubleArray(), 1e-6, what + " top negatives");
            assertEquals(2 * n, m.topNegativeSimilarity().dim(0));
            assertEquals(Moments.of(positive).mean(), m.positiveMoments().mean(), 1e-6);
            assertEquals(Moments.of(top).std(), m.topNegativeMoments().std(), 1e-6);
            assertEquals(Moments.of(npc).cv(), m.npcMoments().cv(), 1e-4 * Math.abs(Moments.of(npc).cv()) + 1e-6);
            if (n < 50) {
                assertEquals(ReferenceLosses64.loss(LossOptions.of(LossKind.NTXENT).withTemperature(tau),
                        z1.toDoubleArray(), z2.toDoubleArray(), n, d), nt, 1e-9, "the same NT-Xent as the reference");
            }
            assertEquals(nt, m.ntxent(), 1e-5 * Math.max(1, nt), what + " ntxent");
            assertEquals(Math.log(2 * n - 1) - nt, m.infoNceBound(), 1e-5 * Math.max(1, nt), what + " bound");
        }
    }

    @Test
    void momentsArePopulationMomentsInFloat64() {
        Moments m = Moments.of(new double[] {1, 2, 3, 4});
        assertEquals(2.5, m.mean(), 0);
        assertEquals(Math.sqrt(1.25), m.std(), 1e-15);
        assertEquals(Math.sqrt(1.25) / 2.5, m.cv(), 1e-15);
    }

    @Test
    void badInputNamesTheProblem() {
        Tensor ok = Tensor.randn(new SplittableRandom(4), 3, 2);
        Tensor nan = ok.copy();
        nan.set(1, 0, Float.NaN);
        assertMessage(() -> Metrics.uniformity(nan, 2), "z row 1 has NaN at column 0");
        Tensor zero = ok.copy();
        zero.set(2, 0, 0f);
        zero.set(2, 1, 0f);
        assertMessage(() -> Metrics.pairs(ok, zero, 0.5), "z2 row 2 has zero norm");
        assertMessage(() -> Metrics.alignment(ok, Tensor.randn(new SplittableRandom(5), 3, 4)), "same shape");
        assertMessage(() -> Metrics.tolerance(ok, new int[2]), "2 labels for 3 rows");
        assertMessage(() -> Metrics.pairs(ok, ok, 0), "temperature");
        assertMessage(() -> Metrics.pairs(ok, ok, Double.NaN), "temperature");
        assertMessage(() -> Metrics.uniformity(ok.rows(0, 1), 2), "at least 2 rows");
        assertMessage(() -> Metrics.pairs(ok.rows(0, 1), ok.rows(1, 2), 0.5), "at least 2 rows");
        assertMessage(() -> Metrics.uniformity(Tensor.zeros(3), 2), "[N, d] matrix");
    }

    private static void assertClose(double[] expect, double[] got, double tol, String what) {
        assertEquals(expect.length, got.length, what + " length");
        for (int i = 0; i < expect.length; i++) {
            assertEquals(expect[i], got[i], tol, what + "[" + i + "]");
        }
    }

    private static void assertMessage(Runnable r, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
        assertTrue(e.getMessage().contains(part), "'" + e.getMessage() + "' should mention '" + part + "'");
    }
}
