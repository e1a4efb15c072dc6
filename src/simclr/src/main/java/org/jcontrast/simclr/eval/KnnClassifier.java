package org.jcontrast.simclr.eval;

import java.util.Arrays;
import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * The weighted k-nearest-neighbour monitor of InstDisc (Wu et al. 2018) and SimCLR: features are
 * L2-normalised, a query's k most cosine-similar training samples each vote for their class with
 * weight exp(s / τ), and the class with the largest total wins (the lower class on a tie).
 *
 * <p>Similarities are computed block by block with {@link Ops#matmulInto}, never as the whole
 * queries × training matrix, so memory stays bounded for 60,000 training samples.
 * <p>Immutable and thread-safe, as long as no thread writes to the tensors passed in during a
 * call.
 */
public final class KnnClassifier {
    /** k = 200, as in the InstDisc / SimCLR monitor. */
    public static final int DEFAULT_K = 200;
    /** τ = 0.07, as in the InstDisc / SimCLR monitor. */
    public static final double DEFAULT_TEMPERATURE = 0.07;
    /** Similarity floats per block: 16 MiB. */
    private static final long BLOCK_FLOATS = 1 << 22;
    private static final float NORM_EPS = 1e-12f;
    private final int k;
    private final double temperature;
    private final long blockFloats;

    /**
     * A classifier voting among the {@code k} most cosine-similar training rows.
     *
     * @param k           neighbours that vote, ≥ 1 (all training samples when there are fewer)
     * @param temperature τ &gt; 0 of the vote weights exp(s / τ)
     */
    public KnnClassifier(int k, double temperature) {
        this(k, temperature, BLOCK_FLOATS);
    }

    KnnClassifier(int k, double temperature, long blockFloats) {
        if (k < 1 || !(temperature > 0)) {
            throw new IllegalArgumentException("kNN needs k ≥ 1 and a temperature > 0, got " + k + " and "
                    + temperature);
        }
        this.k = k;
        this.temperature = temperature;
        this.blockFloats = blockFloats;
    }

    /**
     * k = {@value #DEFAULT_K}, τ = {@value #DEFAULT_TEMPERATURE}.
     *
     * @return the default classifier
     */
    public static KnnClassifier defaults() {
        return new KnnClassifier(DEFAULT_K, DEFAULT_TEMPERATURE);
    }

    /**
     * The predicted class of each row of {@code queries}, voting among {@code train} [N, D] with {@code labels}.
     *
     * @param train the training features, [N, D]
     * @param labels the labels of {@code train}
     * @param classes the number of classes
     * @param queries the rows to classify, [M, D]
     * @return the predicted classes, M values
     */
    public int[] predict(Tensor train, int[] labels, int classes, Tensor queries) {
        Features.check(train, labels, classes, "kNN training");
        Features.check(queries, null, classes, "kNN query");
        if (train.dim(1) != queries.dim(1)) {
            throw new IllegalArgumentException("kNN: training features have " + train.dim(1)
                    + " columns, queries have " + queries.dim(1));
        }
        Tensor bank = Ops.normalizeRows(train, NORM_EPS);
        Tensor q = Ops.normalizeRows(queries, NORM_EPS);
        int n = bank.dim(0), m = q.dim(0), kk = Math.min(k, n);
        int blockRows = (int) Math.max(1, Math.min(m, blockFloats / n));
        Tensor sims = Tensor.zeros(blockRows, n);
        int[] predicted = new int[m];
        for (int b0 = 0; b0 < m; b0 += blockRows) {
            int rows = Math.min(blockRows, m - b0);
            Tensor block = sims.rows(0, rows);
            Ops.matmulInto(1f, q.rows(b0, b0 + rows), false, bank, true, 0f, block);
            float[] s = sims.array();
            int first = b0;
            Parallel.forRange(rows, 16, (from, to) -> {
                float[] topSim = new float[kk];
                int[] topIdx = new int[kk];
                double[] votes = new double[classes];
                for (int r = from; r < to; r++) {
                    predicted[first + r] = vote(s, r * n, n, kk, labels, topSim, topIdx, votes);
                }
            });
        }
        return predicted;
    }

    /**
     * Fraction of queries whose predicted class equals the label.
     *
     * @param train the training rows, [N, D]
     * @param trainLabels the labels of {@code train}
     * @param classes the number of classes
     * @param queries the rows to classify, [M, D]
     * @param queryLabels the labels of {@code queries}
     * @return the accuracy, in [0, 1]
     */
    public double accuracy(Tensor train, int[] trainLabels, int classes, Tensor queries, int[] queryLabels) {
        Features.check(queries, queryLabels, classes, "kNN query");
        return Features.accuracy(predict(train, trainLabels, classes, queries), queryLabels);
    }

    /** Keeps the kk largest of s[off, off + n) in a min-heap, then returns the class with the most weight. */
    private int vote(float[] s, int off, int n, int kk, int[] labels, float[] topSim, int[] topIdx, double[] votes) {
        for (int j = 0; j < kk; j++) {
            topSim[j] = s[off + j];
            topIdx[j] = j;
            siftUp(topSim, topIdx, j);
        }
        for (int j = kk; j < n; j++) {
            float v = s[off + j];
            if (v > topSim[0]) { // the heap's root is the weakest of the current k
                topSim[0] = v;
                topIdx[0] = j;
                siftDown(topSim, topIdx, kk);
            }
        }
        Arrays.fill(votes, 0);
        for (int j = 0; j < kk; j++) {
            votes[labels[topIdx[j]]] += Math.exp(topSim[j] / temperature);
        }
        int best = 0;
        for (int c = 1; c < votes.length; c++) {
            if (votes[c] > votes[best]) {
                best = c;
            }
        }
        return best;
    }

    private static void siftUp(float[] h, int[] idx, int i) {
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (h[i] >= h[parent]) {
                return;
            }
            swap(h, idx, i, parent);
            i = parent;
        }
    }

    private static void siftDown(float[] h, int[] idx, int size) {
        int i = 0;
        while (true) {
            int l = 2 * i + 1, r = l + 1, smallest = i;
            if (l < size && h[l] < h[smallest]) {
                smallest = l;
            }
            if (r < size && h[r] < h[smallest]) {
                smallest = r;
            }
            if (smallest == i) {
                return;
            }
            swap(h, idx, i, smallest);
            i = smallest;
        }
    }

    private static void swap(float[] h, int[] idx, int a, int b) {
        float t = h[a];
        h[a] = h[b];
        h[b] = t;
        int u = idx[a];
        idx[a] = idx[b];
        idx[b] = u;
    }
}
