package org.jcontrast.internal.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.jcontrast.testing.Providers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ArrayKernelTest {
    private static final int[] SIZES = {0, 1, 7, 13, 207, 1000, 4098};

    static Stream<Arguments> providers() {
        return Providers.all().stream().map(p -> Arguments.of(Providers.label(p), p.array()));
    }

    private static float[] random(SplittableRandom r, int n, double scale) {
        float[] x = new float[n + 3];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((r.nextDouble() * 2 - 1) * scale);
        }
        return x;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void reductionsMatchFloat64(String name, ArrayKernel k) {
        SplittableRandom r = new SplittableRandom(1);
        for (int n : SIZES) {
            float[] x = random(r, n, 3);
            float[] y = random(r, n, 3);
            int o = 3;
            double max = Double.NEGATIVE_INFINITY, sum = 0, dot = 0, sumExp = 0;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, x[o + i]);
                sum += x[o + i];
                dot += (double) x[o + i] * y[o + i];
                sumExp += Math.exp(x[o + i] - 1.5);
            }
            double tol = 1e-6 * (n + 1) * 3;
            assertEquals(max, k.max(x, o, n), 0.0, "max n=" + n);
            assertEquals(sum, k.sum(x, o, n), tol, "sum n=" + n);
            assertEquals(dot, k.dot(x, o, y, o, n), tol * 3, "dot n=" + n);
            assertEquals(sumExp, k.sumExp(x, o, 1.5f, n), Math.max(1e-6, sumExp * 1e-5), "sumExp n=" + n);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void mapsMatchFloat64(String name, ArrayKernel k) {
        SplittableRandom r = new SplittableRandom(2);
        for (int n : SIZES) {
            float[] x = random(r, n, 4);
            float[] y = random(r, n, 4);
            float[] out = new float[n + 5];
            for (int i = 0; i < x.length; i++) {
                x[i] = Math.abs(x[i]) + 1e-3f;
            }
            k.exp(x, 1, 0.25f, out, 2, n);
            for (int i = 0; i < n; i++) {
                double e = Math.exp(x[1 + i] - 0.25);
                assertEquals(e, out[2 + i], e * 2e-6, "exp n=" + n + " i=" + i);
            }
            k.log(x, 1, out, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Math.log(x[1 + i]), out[2 + i], 2e-6, "log");
            }
            k.affine(-2f, x, 1, 0.5f, out, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals(-2.0 * x[1 + i] + 0.5, out[2 + i], 1e-5, "affine");
            }
            k.add(x, 1, y, 0, out, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals(x[1 + i] + y[i], out[2 + i], 0f, "add");
            }
            k.mul(x, 1, y, 0, out, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals(x[1 + i] * y[i], out[2 + i], 0f, "mul");
            }
            float[] z = random(r, n, 4);
            float[] signed = random(r, n, 4);
            if (n > 2) {
                signed[1] = Float.NaN;
                signed[2] = -0f;
            }
            k.relu(signed, 1, out, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals(Math.max(signed[1 + i], 0f), out[2 + i], 0f, "relu");
            }
            k.reluBackward(signed, 1, z, 0, out, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals(signed[1 + i] > 0 ? z[i] : 0f, out[2 + i], 0f, "reluBackward");
            }
            float[] acc = y.clone();
            k.axpy(3f, x, 1, acc, 0, n);
            for (int i = 0; i < n; i++) {
                assertEquals(y[i] + 3.0 * x[1 + i], acc[i], 1e-5, "axpy");
            }
            assertEquals(0f, out[0], "exp wrote before its window");
            assertEquals(0f, out[n + 4], "a map wrote past its window");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void batchNormPassesRoundEachStepAsWritten(String name, ArrayKernel k) {
        // The definitions with every rounding spelled out: the fused passes must give the bits of
        // the steps done one at a time, the column sums row after row, at every width and in the fringe.
        SplittableRandom r = new SplittableRandom(6);
        for (int n : SIZES) {
            int c = 2, rows = 5, ld = n + 2;
            float[] x = random(r, rows * ld, 3), g = random(r, rows * ld, 2), y = random(r, rows * ld, 1);
            float[] negMean = random(r, n + c, 1), invStd = random(r, n + c, 2), gamma = random(r, n, 2);
            float[] beta = random(r, n, 1), cg = random(r, n + c, 1), c1 = random(r, n + c, 1), cx = random(r, n + c, 1);
            if (n > 2) {
                y[1] = Float.NaN;
                y[2 + ld] = -0f;
            }
            float[] columnSums = random(r, n + c, 1), wantColumnSums = columnSums.clone();
            k.addColumnSums(x, 1, ld, rows, columnSums, c, n);
            float[] sums = random(r, n + c, 1), want = sums.clone();
            k.addSquaredDeviations(x, 1, ld, rows, negMean, sums, c, n);
            float[] dBeta = random(r, n + c, 1), dGamma = random(r, n + c, 1);
            float[] wantBeta = dBeta.clone(), wantGamma = dGamma.clone();
            k.addBatchNormGradients(g, 0, y, 1, x, 1, ld, rows, negMean, invStd, dBeta, dGamma, c, n);
            float[] out = new float[n + 5], withRelu = new float[n + 5];
            k.batchNormRow(x, 1, negMean, invStd, c, gamma, 3, beta, 0, false, out, 2, n);
            k.batchNormRow(x, 1, negMean, invStd, c, gamma, 3, beta, 0, true, withRelu, 2, n);
            float[] dx = new float[n + 5], dxPlain = new float[n + 5];
            k.batchNormInputGradient(g, 0, y, 1, x, 1, negMean, invStd, cg, c1, cx, c, dx, 2, n);
            k.batchNormInputGradient(g, 0, null, 0, x, 1, negMean, invStd, cg, c1, cx, c, dxPlain, 2, n);
            for (int i = 0; i < n; i++) {
                int j = c + i;
                for (int row = 0; row < rows; row++) {
                    int at = row * ld + i;
                    float d = x[1 + at] + negMean[j], h = d * invStd[j];
                    float masked = y[1 + at] > 0 ? g[at] : 0f;
                    wantColumnSums[j] += x[1 + at];
                    want[j] = Math.fma(d, d, want[j]);
                    wantBeta[j] += masked;
                    wantGamma[j] = Math.fma(masked, h, wantGamma[j]);
                }
                assertEquals(wantColumnSums[j], columnSums[j], 0f, "addColumnSums n=" + n + " i=" + i);
                assertEquals(want[j], sums[j], 0f, "addSquaredDeviations n=" + n + " i=" + i);
                assertEquals(wantBeta[j], dBeta[j], 0f, "addBatchNormGradients dBeta n=" + n + " i=" + i);
                assertEquals(wantGamma[j], dGamma[j], 0f, "addBatchNormGradients dGamma n=" + n + " i=" + i);
                float d = x[1 + i] + negMean[j], h = d * invStd[j];
                float masked = y[1 + i] > 0 ? g[i] : 0f;
                float affine = Math.fma(h, gamma[3 + i], beta[i]);
                assertEquals(affine, out[2 + i], 0f, "batchNormRow n=" + n + " i=" + i);
                assertEquals(Math.max(affine, 0f), withRelu[2 + i], 0f, "batchNormRow with relu n=" + n + " i=" + i);
                assertEquals(Math.fma(h, cx[j], Math.fma(masked, cg[j], c1[j])), dx[2 + i], 0f,
                        "batchNormInputGradient n=" + n + " i=" + i);
                assertEquals(Math.fma(h, cx[j], Math.fma(g[i], cg[j], c1[j])), dxPlain[2 + i], 0f,
                        "batchNormInputGradient without a mask n=" + n + " i=" + i);
            }
            for (float[][] sum : new float[][][] {{columnSums, wantColumnSums}, {sums, want}, {dBeta, wantBeta}, {dGamma, wantGamma}}) {
                assertEquals(sum[1][c - 1], sum[0][c - 1], 0f, "a column pass wrote before its window");
                assertEquals(sum[1][c + n], sum[0][c + n], 0f, "a column pass wrote past its window");
            }
            assertEquals(0f, out[1], "batchNormRow wrote before its window");
            assertEquals(0f, out[n + 2], "batchNormRow wrote past its window");
            assertEquals(0f, dx[n + 2], "batchNormInputGradient wrote past its window");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void scaledExpsMatchFloat64(String name, ArrayKernel k) {
        SplittableRandom r = new SplittableRandom(3);
        float beta = 2.5f, shift = 1.75f, weight = 0.3f;
        for (int n : SIZES) {
            float[] x = random(r, n, 2);
            float[] across = random(r, n, 1);
            float[] weights = random(r, n, 1);
            float[] before = across.clone();
            double sum = 0;
            double[] e = new double[n];
            for (int i = 0; i < n; i++) {
                e[i] = Math.exp(beta * (double) x[1 + i] - shift);
                sum += e[i];
            }
            assertEquals(sum, k.sumScaledExp(x, 1, beta, shift, false, null, 0, null, 0, n), Math.max(1e-6, sum * 1e-5),
                    "sum alone n=" + n);
            assertEquals(sum, k.sumScaledExp(x, 1, beta, shift, false, across, 2, null, 0, n), Math.max(1e-6, sum * 1e-5),
                    "sum with across n=" + n);
            for (int i = 0; i < n; i++) {
                assertEquals(before[2 + i] + e[i], across[2 + i], 1e-6 + e[i] * 3e-6, "across n=" + n + " i=" + i);
            }
            assertEquals(before[0], across[0], 0f, "across written before its window");
            assertEquals(before[1], across[1], 0f, "across written before its window");
            float[] out = new float[n + 5];
            k.scaledExp(x, 1, beta, shift, false, weight, weights, 3, out, 2, n);
            for (int i = 0; i < n; i++) {
                double want = e[i] * (weight + weights[3 + i]);
                assertEquals(want, out[2 + i], 1e-7 + Math.abs(want) * 4e-6, "weighted n=" + n + " i=" + i);
            }
            k.scaledExp(x, 1, beta, shift, false, weight, null, 0, out, 2, n);
            for (int i = 0; i < n; i++) {
                assertEquals(e[i] * weight, out[2 + i], 1e-7 + e[i] * weight * 3e-6, "scaled n=" + n + " i=" + i);
            }
            assertEquals(0f, out[0], "scaledExp wrote before its window");
            assertEquals(0f, out[n + 4], "scaledExp wrote past its window");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void keptTermsWeighedGiveTheBitsOfScaledExp(String name, ArrayKernel k) {
        // The streaming losses keep sumScaledExp's terms from one pass and weigh them in the next.
        SplittableRandom r = new SplittableRandom(8);
        float beta = 5f, shift = 4.5f, weight = 0.37f;
        for (int n : SIZES) {
            float[] x = random(r, n + 1, 1), weights = random(r, n + 2, 1);
            float[] terms = new float[n + 4], weighed = new float[n + 3], direct = new float[n + 3];
            float[] across = new float[n], acrossAlone = new float[n];
            float sum = k.sumScaledExp(x, 1, beta, shift, false, across, 0, terms, 3, n);
            assertEquals(k.sumScaledExp(x, 1, beta, shift, false, acrossAlone, 0, null, 0, n), sum, 0f, "sum n=" + n);
            assertArrayEquals(acrossAlone, across, "across n=" + n);
            k.weigh(terms, 3, weight, weights, 2, weighed, 1, n);
            k.scaledExp(x, 1, beta, shift, false, weight, weights, 2, direct, 1, n);
            for (int i = 0; i < n + 3; i++) {
                assertEquals(Float.floatToRawIntBits(direct[i]), Float.floatToRawIntBits(weighed[i]), "n=" + n + " i=" + i);
            }
            assertEquals(0f, terms[2], "sumScaledExp wrote before its window");
            assertEquals(0f, terms[n + 3], "sumScaledExp wrote past its window");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void boundedExponentialsHaveTheBitsOfTheGeneralOnes(String name, ArrayKernel k) {
        // The streaming losses promise arguments within ±EXP_BOUND or −∞; the kernel may then skip work, not change bits.
        SplittableRandom r = new SplittableRandom(9);
        float beta = 2f, shift = 3f, weight = 0.37f, b = ArrayKernel.EXP_BOUND;
        float[] edges = {-b, -b + 1e-3f, b, Float.NEGATIVE_INFINITY, 0f, -80f};
        for (int n : new int[] {0, 5, 16, 37, 100_003}) {
            float[] x = new float[n + 1], weights = random(r, n, 1);
            for (int i = 0; i < n; i++) {
                float v = i < edges.length ? edges[i] : i % 97 == 0 ? Float.NEGATIVE_INFINITY
                        : (float) ((r.nextDouble() * 2 - 1) * b);
                x[1 + i] = (v + shift) / beta;
            }
            for (int i = 0; i < n; i++) {
                float v = Math.fma(beta, x[1 + i], -shift);
                assertTrue(v == Float.NEGATIVE_INFINITY || Math.abs(v) <= b, "argument out of bounds at " + i + ": " + v);
            }
            float[] acrossA = new float[n], acrossB = new float[n], termsA = new float[n], termsB = new float[n];
            assertEquals(Float.floatToRawIntBits(k.sumScaledExp(x, 1, beta, shift, false, acrossA, 0, termsA, 0, n)),
                    Float.floatToRawIntBits(k.sumScaledExp(x, 1, beta, shift, true, acrossB, 0, termsB, 0, n)),
                    "sum n=" + n);
            float[] outA = new float[n], outB = new float[n], scaledA = new float[n], scaledB = new float[n];
            k.scaledExp(x, 1, beta, shift, false, weight, weights, 3, outA, 0, n);
            k.scaledExp(x, 1, beta, shift, true, weight, weights, 3, outB, 0, n);
            k.scaledExp(x, 1, beta, shift, false, weight, null, 0, scaledA, 0, n);
            k.scaledExp(x, 1, beta, shift, true, weight, null, 0, scaledB, 0, n);
            for (int i = 0; i < n; i++) {
                String where = "n=" + n + " x=" + x[1 + i];
                assertEquals(Float.floatToRawIntBits(termsA[i]), Float.floatToRawIntBits(termsB[i]), "term, " + where);
                assertEquals(Float.floatToRawIntBits(acrossA[i]), Float.floatToRawIntBits(acrossB[i]), "across, " + where);
                assertEquals(Float.floatToRawIntBits(outA[i]), Float.floatToRawIntBits(outB[i]), "weighted, " + where);
                assertEquals(Float.floatToRawIntBits(scaledA[i]), Float.floatToRawIntBits(scaledB[i]), "scaled, " + where);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void unitScalingIsExactlyPlainExp(String name, ArrayKernel k) {
        // The loss engines mix the plain and the scaled forms: β = 1 and a weight of 1 must not change a bit.
        float[] x = random(new SplittableRandom(4), 1000, 20);
        float[] plain = new float[x.length], scaled = new float[x.length];
        k.exp(x, 0, 0.5f, plain, 0, x.length);
        k.scaledExp(x, 0, 1f, 0.5f, false, 1f, null, 0, scaled, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(plain[i], scaled[i], "at " + i);
        }
        assertEquals(k.sumExp(x, 0, 0.5f, x.length), k.sumScaledExp(x, 0, 1f, 0.5f, false, null, 0, null, 0, x.length));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void expIsWithinTwoUlpsOverTheWholeRange(String name, ArrayKernel k) {
        // Every float from −104 to 89 in steps that hit many exponents and mantissas, plus the edges
        // where the result under- or overflows, and the specials, first (vector body) and last (fringe).
        int n = 200_003;
        float[] edges = {-103.9f, -87.34f, -0f, 1e-30f, 88.72f, 88.73f, Float.NEGATIVE_INFINITY, Float.NaN,
                Float.POSITIVE_INFINITY, -1e30f, 1e30f};
        float[] x = new float[edges.length + n + edges.length];
        for (int i = 0; i < n; i++) {
            x[edges.length + i] = -104f + 193f * i / (n - 1);
        }
        System.arraycopy(edges, 0, x, 0, edges.length);
        System.arraycopy(edges, 0, x, edges.length + n, edges.length);
        float[] out = new float[x.length];
        k.exp(x, 0, 0f, out, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            float want = (float) Math.exp(x[i]);
            if (Float.isNaN(want) || Float.isInfinite(want) || want == 0f) {
                assertEquals(want, out[i], "exp(" + x[i] + ")");
            } else {
                double ulps = Math.abs(out[i] - want) / Math.ulp(want);
                assertTrue(ulps <= 2, "exp(" + x[i] + ") = " + out[i] + ", want " + want + " (" + ulps + " ulps)");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void resultsDoNotDependOnWhetherTheCodeIsCompiled(String name, ArrayKernel k) {
        // The first calls run interpreted, the last ones compiled: a fallback that rounds
        // differently from the intrinsic would make the same call give two answers.
        float[] x = random(new SplittableRandom(5), 1021, 20);
        float firstSum = k.sumExp(x, 0, 2f, 1021), firstDot = k.dot(x, 0, x, 1, 1020);
        float firstScaled = k.sumScaledExp(x, 0, 0.5f, 2f, false, null, 0, null, 0, 1021);
        float[] first = new float[x.length], again = new float[x.length];
        k.exp(x, 0, 2f, first, 0, x.length);
        for (int call = 0; call < 20_000; call++) {
            assertEquals(firstSum, k.sumExp(x, 0, 2f, 1021), "sumExp, call " + call);
            assertEquals(firstDot, k.dot(x, 0, x, 1, 1020), "dot, call " + call);
            assertEquals(firstScaled, k.sumScaledExp(x, 0, 0.5f, 2f, false, null, 0, null, 0, 1021), "sumScaledExp, call " + call);
        }
        k.exp(x, 0, 2f, again, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            assertEquals(first[i], again[i], "exp at " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void nanAndInfinityPropagate(String name, ArrayKernel k) {
        float[] x = new float[37];
        x[20] = Float.NaN;
        assertTrue(Float.isNaN(k.max(x, 0, 37)));
        assertTrue(Float.isNaN(k.sum(x, 0, 37)));
        x[20] = Float.POSITIVE_INFINITY;
        assertEquals(Float.POSITIVE_INFINITY, k.max(x, 0, 37));
        assertEquals(Float.POSITIVE_INFINITY, k.sum(x, 0, 37));
        float[] out = new float[37];
        k.log(new float[37], 0, out, 0, 37);
        assertEquals(Float.NEGATIVE_INFINITY, out[36], "log 0 = -inf");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void transposeAndAccumulateTransposed(String name, ArrayKernel k) {
        SplittableRandom r = new SplittableRandom(4);
        for (int[] shape : new int[][] {{0, 5}, {1, 1}, {3, 9}, {8, 8}, {16, 24}, {17, 9}, {33, 70}}) {
            int rows = shape[0], cols = shape[1], lds = cols + 3, ldd = rows + 5;
            float[] src = random(r, 2 + rows * lds, 1);
            float[] dst = random(r, 1 + cols * ldd, 1);
            float[] before = dst.clone();
            k.transpose(src, 2, lds, rows, cols, dst, 1, ldd, true);
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    int d = 1 + j * ldd + i;
                    assertEquals(before[d] + src[2 + i * lds + j], dst[d], 0f, "accumulate " + rows + "x" + cols);
                    before[d] = Float.NaN;
                }
            }
            k.transpose(src, 2, lds, rows, cols, dst, 1, ldd, false);
            for (int d = 0; d < dst.length; d++) {
                int j = (d - 1) / ldd, i = (d - 1) % ldd;
                boolean inside = d >= 1 && j < cols && i < rows;
                float want = inside ? src[2 + i * lds + j] : before[d];
                assertEquals(want, dst[d], 0f, "transpose " + rows + "x" + cols + " at " + d);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void firstNonFiniteFindsTheFirstNaNOrInfinity(String name, ArrayKernel k) {
        SplittableRandom r = new SplittableRandom(7);
        for (int n : SIZES) {
            float[] x = random(r, n, 1e30);
            x[0] = Float.NaN;
            x[n + 2] = Float.POSITIVE_INFINITY;
            assertEquals(-1, k.firstNonFinite(x, 1, n), "all finite, n=" + n);
            for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
                for (int at : new int[] {0, n / 3, n - 1}) {
                    if (at < 0 || at >= n) {
                        continue;
                    }
                    float[] y = x.clone();
                    y[1 + at] = bad;
                    y[1 + n - 1] = at == n - 1 ? bad : Float.NaN;
                    assertEquals(at, k.firstNonFinite(y, 1, n), bad + " at " + at + ", n=" + n);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void adamWUpdatesAsWrittenInFloat(String name, ArrayKernel k) {
        SplittableRandom r = new SplittableRandom(5);
        AdamCoefficients c = new AdamCoefficients(0.9999f, 0.9f, 0.999f, 0.0123f, 1.37f, 1e-8f);
        for (int n : SIZES) {
            float[] w = random(r, n, 1), g = random(r, n, 2), m = random(r, n, 0.1), v = random(r, n, 0.1);
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]);
            }
            float[] w2 = w.clone(), m2 = m.clone(), v2 = v.clone();
            k.adamW(c, w2, 1, g, 2, m2, 0, v2, 3, n);
            for (int i = 0; i < n; i++) {
                float gi = g[2 + i];
                float mi = 0.9f * m[i] + (1 - 0.9f) * gi;
                float vi = 0.999f * v[3 + i] + (1 - 0.999f) * gi * gi;
                float wi = 0.9999f * w[1 + i] - 0.0123f * mi / ((float) Math.sqrt(vi) * 1.37f + 1e-8f);
                String where = "n=" + n + " i=" + i;
                assertEquals(mi, m2[i], 0f, "m at " + where);
                assertEquals(vi, v2[3 + i], 0f, "v at " + where);
                assertEquals(wi, w2[1 + i], 0f, "w at " + where);
            }
            assertEquals(w[0], w2[0], 0f, "adamW wrote before its window");
            assertEquals(w[n + 1], w2[n + 1], 0f, "adamW wrote past its window");
        }
    }

    @Test
    void reductionsHaveTheSameBitsAtEveryVectorWidth() {
        List<Integer> widths = KernelProvider.vectorWidths();
        assertTrue(!widths.isEmpty(), "the Vector API kernels are loaded in the tests");
        ArrayKernel widest = KernelProvider.vector(widths.getLast()).array();
        SplittableRandom r = new SplittableRandom(6);
        for (int n = 0; n < 100; n += 1 + n / 8) {
            float[] x = random(r, n, 5), y = random(r, n, 5);
            for (int bits : widths) {
                ArrayKernel k = KernelProvider.vector(bits).array();
                String where = bits + " bits, n=" + n;
                assertEquals(widest.sum(x, 1, n), k.sum(x, 1, n), 0f, "sum at " + where);
                assertEquals(widest.dot(x, 2, y, 1, n), k.dot(x, 2, y, 1, n), 0f, "dot at " + where);
                assertEquals(widest.sumExp(x, 1, 2f, n), k.sumExp(x, 1, 2f, n), 0f, "sumExp at " + where);
                float[] acrossWide = y.clone(), across = y.clone();
                assertEquals(widest.sumScaledExp(x, 0, 0.7f, 1f, false, acrossWide, 1, null, 0, n),
                        k.sumScaledExp(x, 0, 0.7f, 1f, false, across, 1, null, 0, n), 0f, "sumScaledExp at " + where);
                for (int i = 0; i < across.length; i++) {
                    assertEquals(Float.floatToRawIntBits(acrossWide[i]), Float.floatToRawIntBits(across[i]),
                            "across at " + where + ", " + i);
                }
            }
        }
    }
}
