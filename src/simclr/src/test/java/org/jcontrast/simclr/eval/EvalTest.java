package org.jcontrast.simclr.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.jcontrast.simclr.data.Dataset;
import org.jcontrast.simclr.data.DigitsCsv;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testing.SharedData;
import org.junit.jupiter.api.Test;

class EvalTest {

    /** Four training points on the unit circle and their labels. */
    private static final Tensor TRAIN = Tensor.fromRows(new float[][] {{1, 0}, {0, 1}, {0.6f, 0.8f}, {-1, 0}});
    private static final int[] LABELS = {0, 1, 1, 0};

    @Test
    void knnMatchesAHandComputedVote() {
        // Query (2, 0) normalises to (1, 0); similarities 1, 0, 0.6, −1. The top 3 are
        // 1 (class 0), 0.6 (class 1) and 0 (class 1).
        Tensor query = Tensor.fromRows(new float[][] {{2, 0}});
        double sharp0 = Math.exp(1 / 0.5), sharp1 = Math.exp(0.6 / 0.5) + Math.exp(0 / 0.5);
        assertTrue(sharp0 > sharp1, "τ = 0.5: one close neighbour outweighs two far ones");
        assertArrayEquals(new int[] {0}, new KnnClassifier(3, 0.5).predict(TRAIN, LABELS, 2, query));
        double flat0 = Math.exp(1 / 10.0), flat1 = Math.exp(0.6 / 10.0) + Math.exp(0 / 10.0);
        assertTrue(flat1 > flat0, "τ = 10: the votes are nearly equal and the majority wins");
        assertArrayEquals(new int[] {1}, new KnnClassifier(3, 10).predict(TRAIN, LABELS, 2, query));
        // k = 1 is the nearest neighbour; k beyond the training size uses all of it.
        Tensor q2 = Tensor.fromRows(new float[][] {{0.5f, 0.9f}, {-3, 0.1f}});
        assertArrayEquals(new int[] {1, 0}, new KnnClassifier(1, 0.07).predict(TRAIN, LABELS, 2, q2));
        // With k beyond the training size all four vote; the expected classes computed here in double.
        float[][] points = {{1, 0}, {0, 1}, {0.6f, 0.8f}, {-1, 0}};
        int[] expected = new int[2];
        for (int q = 0; q < 2; q++) {
            double qx = q2.get(q, 0), qy = q2.get(q, 1), norm = Math.hypot(qx, qy);
            double[] votes = new double[3];
            for (int j = 0; j < 4; j++) {
                votes[LABELS[j]] += Math.exp((qx * points[j][0] + qy * points[j][1]) / norm / 2.0);
            }
            expected[q] = votes[1] > votes[0] ? 1 : 0;
        }
        assertArrayEquals(new int[] {1, 0}, expected, "the two queries lean to different classes");
        assertArrayEquals(expected, new KnnClassifier(50, 2.0).predict(TRAIN, LABELS, 3, q2));
    }

    /** {@code n} points around {@code classes} well-separated centres in {@code d} dimensions. */
    private static Tensor clusters(int n, int d, int classes, int[] labels, long seed, long centreSeed) {
        SplittableRandom centres = new SplittableRandom(centreSeed), r = new SplittableRandom(seed);
        float[][] c = new float[classes][d];
        for (float[] row : c) {
            for (int j = 0; j < d; j++) {
                row[j] = (float) (4 * centres.nextGaussian());
            }
        }
        Tensor x = Tensor.zeros(n, d);
        for (int i = 0; i < n; i++) {
            labels[i] = i % classes;
            for (int j = 0; j < d; j++) {
                x.set(i, j, c[labels[i]][j] + (float) r.nextGaussian());
            }
        }
        return x;
    }

    @Test
    void bothClassifiersSeparateWellSeparatedClusters() {
        int[] yTrain = new int[400], yEval = new int[200];
        Tensor train = clusters(400, 16, 5, yTrain, 1, 99), eval = clusters(200, 16, 5, yEval, 2, 99);
        FrozenEval.Result r = FrozenEval.evaluate(train, yTrain, eval, yEval, 5, LinearProbe.defaults(),
                KnnClassifier.defaults());
        assertTrue(r.linearProbe() >= 0.99, "linear probe " + r.linearProbe());
        assertTrue(r.linearProbeTrain() >= 0.99, "linear probe on train " + r.linearProbeTrain());
        assertTrue(r.knn() >= 0.99, "kNN " + r.knn());
    }

    @Test
    void linearProbeLearnsALinearRuleAndIsDeterministic() {
        // Labels by the sign of a fixed direction: linearly separable, but not in clusters.
        SplittableRandom r = new SplittableRandom(5);
        int n = 600, d = 8;
        Tensor x = Tensor.zeros(n, d);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            double dot = 0;
            for (int j = 0; j < d; j++) {
                float v = (float) r.nextGaussian();
                x.set(i, j, v);
                dot += v * (j + 1);
            }
            y[i] = dot > 0 ? 1 : 0;
        }
        Tensor train = x.rows(0, 400), eval = x.rows(400, n);
        int[] yTrain = Arrays.copyOfRange(y, 0, 400), yEval = Arrays.copyOfRange(y, 400, n);
        LinearProbe probe = new LinearProbe(1e-4, 300);
        LinearProbe.Model a = probe.fit(train, yTrain, 2);
        assertTrue(a.accuracy(eval, yEval) >= 0.95, "held-out accuracy " + a.accuracy(eval, yEval));
        LinearProbe.Model b = probe.fit(train, yTrain, 2);
        assertEquals(a.trainLoss(), b.trainLoss());
        assertArrayEquals(a.predict(eval), b.predict(eval));
    }

    @Test
    void probeGradientMatchesFiniteDifferences() {
        int[] y = new int[30];
        Tensor x = clusters(30, 4, 3, y, 3, 4);
        LinearProbe.Objective f = new LinearProbe.Objective(x, y, 3, 0.05);
        SplittableRandom r = new SplittableRandom(8);
        double[] theta = new double[4 * 3 + 3];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = 0.1 * r.nextGaussian();
        }
        double[] grad = new double[theta.length], scratch = new double[theta.length];
        f.evaluate(theta, grad);
        for (int i = 0; i < theta.length; i++) {
            double h = 1e-3, old = theta[i];
            theta[i] = old + h;
            double up = f.evaluate(theta, scratch);
            theta[i] = old - h;
            double down = f.evaluate(theta, scratch);
            theta[i] = old;
            assertEquals((up - down) / (2 * h), grad[i], 2e-3, "component " + i);
        }
    }

    @Test
    void lbfgsFindsTheMinimumOfAnIllConditionedQuadratic() {
        double[] a = {1, 10, 100, 1000}, c = {1, -2, 3, -4};
        Lbfgs.Result r = Lbfgs.minimize((x, g) -> {
            double f = 0;
            for (int i = 0; i < x.length; i++) {
                g[i] = a[i] * (x[i] - c[i]);
                f += 0.5 * a[i] * (x[i] - c[i]) * (x[i] - c[i]);
            }
            return f;
        }, new double[4], 200, 1e-9, 5);
        assertTrue(r.converged());
        assertArrayEquals(c, r.x(), 1e-6);
    }

    @Test
    void standardizerUsesTrainingStatisticsOnly() {
        Tensor train = Tensor.fromRows(new float[][] {{1, 5}, {3, 5}});
        Standardizer s = Standardizer.fit(train);
        assertArrayEquals(new float[] {-1, 0, 1, 0}, s.apply(train).toArray(), 1e-6f);
        // Mean 2, std 1 for column 0; column 1 is constant, so it is only centred.
        assertArrayEquals(new float[] {3, 2}, s.apply(Tensor.fromRows(new float[][] {{5, 7}})).toArray(), 1e-6f);
    }

    @Test
    void badFeaturesAreRejected() {
        Tensor bad = TRAIN.copy();
        bad.set(2, 1, Float.NaN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> KnnClassifier.defaults().predict(bad, LABELS, 2, TRAIN));
        assertTrue(e.getMessage().contains("row 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.defaults().fit(TRAIN, new int[] {0, 1}, 2));
        assertThrows(IllegalArgumentException.class, () -> LinearProbe.defaults().fit(TRAIN, new int[] {0, 1, 2, 0},
                2));
        assertThrows(IllegalArgumentException.class,
                () -> KnnClassifier.defaults().predict(TRAIN, LABELS, 2, Tensor.zeros(1, 3)));
    }

    @Test
    void knnGivesTheSameAnswerWhateverTheBlockSize() {
        int[] yTrain = new int[300], yEval = new int[77];
        Tensor train = clusters(300, 6, 4, yTrain, 10, 11), eval = clusters(77, 6, 4, yEval, 12, 13);
        int[] whole = new KnnClassifier(20, 0.1, 1L << 30).predict(train, yTrain, 4, eval);
        int[] blocks = new KnnClassifier(20, 0.1, 300 * 5).predict(train, yTrain, 4, eval);
        int[] rows = new KnnClassifier(20, 0.1, 1).predict(train, yTrain, 4, eval);
        assertArrayEquals(whole, blocks);
        assertArrayEquals(whole, rows);
    }

    @Test
    void pixelBaselinesOnTheDigits() throws IOException {
        Path shared = SharedData.dir("pixel baselines on the UCI digits");
        Dataset digits = DigitsCsv.load(shared.resolve("digits").resolve("digits.csv.gz"));
        FrozenEval.Result r = FrozenEval.pixels(digits.split(0.25, 1));
        // Published figures for 8×8 digits: about 0.95 linear, 0.97-0.98 nearest neighbours.
        assertTrue(r.linearProbe() > 0.9, "linear " + r.linearProbe());
        assertTrue(r.knn() > 0.9, "kNN " + r.knn());
    }
}
