package org.jcontrast.metrics;

import java.util.Arrays;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * The representation metrics of the contrastive-learning papers, on the row-normalised embeddings
 * z / ‖z‖ (similarities are cosines). Pairwise sums run over tiles of the similarity matrix and
 * accumulate in float64, so only {@link #relativePenalties} (whose result is the matrix) needs
 * O(N²) memory. Rows must be finite and non-zero; the error names the first row that is not.
 * <p>Stateless and thread-safe, as long as no thread writes to the tensors passed in during a
 * call.
 */
public final class Metrics {
    /** Wang &amp; Isola's t of the uniformity metric. */
    public static final double UNIFORMITY_T = 2;
    /** How many of each anchor's most similar negatives {@link #pairs} keeps (Wang &amp; Liu's figures). */
    public static final int TOP_NEGATIVES = 10;

    private Metrics() {
    }

    /**
     * Wang &amp; Isola's uniformity log mean_{i&lt;j} exp(−t‖ẑ_i − ẑ_j‖²): lower is more uniform on
     * the sphere (at least −4 for t = 2, 0 when all rows coincide). Needs two rows.
     *
     * @param z the embeddings, [N, d], N ≥ 2 (normalised here)
     * @param t the scale t &gt; 0 (Wang &amp; Isola use 2)
     * @return the uniformity, in [−t·4, 0]
     */
    public static double uniformity(Tensor z, double t) {
        check(z, "z");
        requireRows(z, 2, "uniformity");
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("uniformity: t must be a positive finite number, got " + t);
        }
        Tensor f = unitRows(z);
        int n = z.dim(0);
        double[] sums = new double[SimilarityBands.bands(n)];
        SimilarityBands.forEach(f, true, (band, tile, r0, c0) -> {
            int rows = tile.dim(0), cols = tile.dim(1);
            float[] s = tile.array();
            double acc = 0;
            for (int i = 0; i < rows; i++) {
                for (int j = Math.max(0, r0 + i + 1 - c0); j < cols; j++) {
                    // ‖a − b‖² = 2 − 2·a·b for unit rows; rounding must not make it negative.
                    acc += Math.exp(-t * Math.max(0, 2 - 2 * (double) s[i * cols + j]));
                }
            }
            sums[band] += acc;
        });
        return Math.log(sumInOrder(sums) / (n * (n - 1.0) / 2));
    }

    /**
     * Wang &amp; Isola's alignment mean_i ‖ẑ1_i − ẑ2_i‖² of positive pairs (0 when aligned, at most 4).
     *
     * @param z1 the first view's embeddings, [N, d] (normalised here)
     * @param z2 the second view's embeddings, [N, d]
     * @return the alignment, in [0, 4]
     */
    public static double alignment(Tensor z1, Tensor z2) {
        checkViews(z1, z2);
        Tensor f1 = unitRows(z1), f2 = unitRows(z2);
        int n = z1.dim(0), d = z1.dim(1);
        double total = 0;
        for (int i = 0; i < n * d; i++) {
            double diff = (double) f1.array()[i] - f2.array()[i];
            total += diff * diff;
        }
        return total / n;
    }

    /**
     * Wang &amp; Liu's tolerance: the mean similarity ẑ_i·ẑ_j over the pairs i ≠ j that share a
     * label. NaN when no two rows share one.
     *
     * @param z the embeddings, [N, d] (normalised here)
     * @param labels one label per row
     * @return the tolerance, in [−1, 1], or NaN
     */
    public static double tolerance(Tensor z, int[] labels) {
        check(z, "z");
        int n = z.dim(0);
        if (labels.length != n) {
            throw new IllegalArgumentException("tolerance: " + labels.length + " labels for " + n
                    + " rows; give one label per row");
        }
        Tensor f = unitRows(z);
        int bands = SimilarityBands.bands(n);
        double[] sums = new double[bands];
        long[] counts = new long[bands];
        SimilarityBands.forEach(f, true, (band, tile, r0, c0) -> {
            int rows = tile.dim(0), cols = tile.dim(1);
            float[] s = tile.array();
            for (int i = 0; i < rows; i++) {
                int label = labels[r0 + i];
                for (int j = Math.max(0, r0 + i + 1 - c0); j < cols; j++) {
                    if (labels[c0 + j] == label) {
                        sums[band] += s[i * cols + j];
                        counts[band]++;
                    }
                }
            }
        });
        return sumInOrder(sums) / Arrays.stream(counts).sum();
    }

    /**
     * Retrieval recall@k of paired views: the fraction of queries i whose own key i is among the k
     * keys most cosine-similar to query i (a key as similar as key i ranks before it when its index
     * is lower). 1/N is chance for k = 1. Queries and keys are [N, d] with N ≥ 2; similarities are
     * computed in blocks of rows, so memory is O(N·d).
     *
     * @param queries the query embeddings, [N, d]
     * @param keys the key embeddings, [N, d], key i paired with query i
     * @param k how many nearest keys count, ≥ 1
     * @return the recall, in [0, 1]
     */
    public static double recallAtK(Tensor queries, Tensor keys, int k) {
        checkViews(queries, keys);
        if (k < 1) {
            throw new IllegalArgumentException("recall@k: k must be at least 1, got " + k);
        }
        Tensor q = unitRows(queries), c = unitRows(keys);
        int n = q.dim(0), hits = 0;
        for (int r0 = 0; r0 < n; r0 += SimilarityBands.BAND) {
            int r1 = Math.min(n, r0 + SimilarityBands.BAND);
            Tensor s = Ops.matmul(q.rows(r0, r1), false, c, true);
            for (int i = r0; i < r1; i++) {
                Tensor row = s.row(i - r0);
                float own = row.get(i);
                int rank = 0;
                for (int j = 0; j < n && rank < k; j++) {
                    float v = row.get(j);
                    if (v > own || (v == own && j < i)) {
                        rank++;
                    }
                }
                hits += rank < k ? 1 : 0;
            }
        }
        return (double) hits / n;
    }

    /**
     * Wang &amp; Liu's relative penalties of one set of embeddings: row i holds
     * r_i(s_ij) = exp(s_ij/τ) / Σ_{k≠i} exp(s_ik/τ) for j ≠ i, and 0 at j = i; each row sums to 1.
     *
     * @param z the embeddings, [N, d] (normalised here)
     * @param tau τ &gt; 0
     * @return the penalties, [N, N]
     */
    public static Tensor relativePenalties(Tensor z, double tau) {
        check(z, "z");
        requireRows(z, 2, "relative penalties");
        return penalties(unitRows(z), -1, tau);
    }

    /**
     * The relative penalties of two views over the 2N anchors [view 1 | view 2]: row a spreads its
     * penalty over its negatives, every sample but a and its positive a ± N (zeros there).
     *
     * @param z1 the first view's embeddings, [N, d]
     * @param z2 the second view's embeddings, [N, d]
     * @param tau τ &gt; 0
     * @return the penalties, [2N, 2N]
     */
    public static Tensor relativePenalties(Tensor z1, Tensor z2, double tau) {
        checkViews(z1, z2);
        return penalties(unitRows(stack(z1, z2)), z1.dim(0), tau);
    }

    /**
     * The per-anchor statistics of two views at temperature τ: positive similarities, the
     * {@link #TOP_NEGATIVES} most similar negatives, NPC multipliers and NT-Xent.
     *
     * @param z1 the first view's embeddings, [N, d]
     * @param z2 the second view's embeddings, [N, d]
     * @param tau τ &gt; 0
     * @return the statistics
     */
    public static PairMetrics pairs(Tensor z1, Tensor z2, double tau) {
        checkViews(z1, z2);
        checkTemperature(tau);
        int n = z1.dim(0), anchors = 2 * n;
        int k = Math.min(TOP_NEGATIVES, anchors - 2);
        Tensor f = unitRows(stack(z1, z2));
        double[] positive = new double[anchors];
        double[] max = new double[anchors];
        double[] sumExp = new double[anchors];
        float[] top = new float[anchors * k];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        Arrays.fill(top, Float.NEGATIVE_INFINITY);
        float beta = (float) (1 / tau);
        SimilarityBands.forEach(f, false, (band, tile, r0, c0) -> {
            int rows = tile.dim(0), cols = tile.dim(1);
            float[] s = tile.array();
            float[] logits = new float[cols];
            ArrayKernel kernel = Context.current().kernels().array();
            for (int i = 0; i < rows; i++) {
                int a = r0 + i, p = a < n ? a + n : a - n, off = i * cols;
                for (int j = 0; j < cols; j++) {
                    int b = c0 + j;
                    if (b == p) {
                        positive[a] = s[off + j];
                    } else if (b != a && k > 0) {
                        insertTop(top, a * k, k, s[off + j]);
                    }
                }
                // The NT-Xent denominator of a: every b ≠ a, merged tile by tile.
                kernel.affine(beta, s, off, 0f, logits, 0, cols);
                if (a >= c0 && a < c0 + cols) {
                    logits[a - c0] = Float.NEGATIVE_INFINITY;
                }
                float m = kernel.max(logits, 0, cols);
                if (m > Float.NEGATIVE_INFINITY) {
                    double part = kernel.sumExp(logits, 0, m, cols);
                    if (m > max[a]) {
                        sumExp[a] = sumExp[a] * Math.exp(max[a] - m) + part;
                        max[a] = m;
                    } else {
                        sumExp[a] += part * Math.exp(m - max[a]);
                    }
                }
            }
        });
        double[] npc = new double[anchors];
        double loss = 0;
        for (int a = 0; a < anchors; a++) {
            double lse = max[a] + Math.log(sumExp[a]);
            double xp = positive[a] / tau;
            npc[a] = 1 - Math.exp(xp - lse);
            loss += lse - xp;
        }
        return new PairMetrics(n, tau, positive, Tensor.wrap(top, anchors, k), npc, loss / anchors);
    }

    /** Inserts v into the descending list at {@code top[off .. off + k)} if it is among the k largest. */
    private static void insertTop(float[] top, int off, int k, float v) {
        if (!(v > top[off + k - 1])) {
            return;
        }
        int i = off + k - 1;
        while (i > off && top[i - 1] < v) {
            top[i] = top[i - 1];
            i--;
        }
        top[i] = v;
    }

    /** Row-wise softmax of s/τ over each row's negatives: all but the row itself and, when n ≥ 0, a ± n. */
    private static Tensor penalties(Tensor f, int n, double tau) {
        checkTemperature(tau);
        Tensor s = Ops.gram(f);
        int rows = s.dim(0);
        float[] x = s.array();
        for (int a = 0; a < rows; a++) {
            int p = n < 0 ? -1 : (a < n ? a + n : a - n), off = a * rows;
            double max = Double.NEGATIVE_INFINITY;
            for (int b = 0; b < rows; b++) {
                if (b != a && b != p) {
                    max = Math.max(max, x[off + b] / tau);
                }
            }
            double sum = 0;
            for (int b = 0; b < rows; b++) {
                if (b != a && b != p) {
                    sum += Math.exp(x[off + b] / tau - max);
                }
            }
            for (int b = 0; b < rows; b++) {
                x[off + b] = b != a && b != p ? (float) (Math.exp(x[off + b] / tau - max) / sum) : 0f;
            }
        }
        s.markModified();
        return s;
    }

    /** z / ‖z‖ row by row, the norm taken in float64 so that tiny rows do not underflow. */
    private static Tensor unitRows(Tensor z) {
        int n = z.dim(0), d = z.dim(1);
        Tensor out = Tensor.zeros(n, d);
        float[] a = z.array(), o = out.array();
        int off = z.offset();
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                sq += (double) a[off + i * d + j] * a[off + i * d + j];
            }
            double inv = 1 / Math.sqrt(sq);
            for (int j = 0; j < d; j++) {
                o[i * d + j] = (float) (a[off + i * d + j] * inv);
            }
        }
        out.markModified();
        return out;
    }

    private static double sumInOrder(double[] parts) {
        double s = 0;
        for (double p : parts) {
            s += p;
        }
        return s;
    }

    private static Tensor stack(Tensor z1, Tensor z2) {
        int n = z1.dim(0), d = z1.dim(1);
        Tensor out = Tensor.zeros(2 * n, d);
        System.arraycopy(z1.array(), z1.offset(), out.array(), 0, n * d);
        System.arraycopy(z2.array(), z2.offset(), out.array(), n * d, n * d);
        return out;
    }

    private static void checkTemperature(double tau) {
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException("the temperature must be a positive finite number, got " + tau);
        }
    }

    private static void requireRows(Tensor z, int min, String what) {
        if (z.dim(0) < min) {
            throw new IllegalArgumentException(what + ": needs at least " + min + " rows, got " + z.dim(0));
        }
    }

    private static void checkViews(Tensor z1, Tensor z2) {
        if (!z1.sameShape(z2)) {
            throw new IllegalArgumentException("the two views must have the same shape, got " + z1.shapeString()
                    + " and " + z2.shapeString());
        }
        check(z1, "z1");
        check(z2, "z2");
        requireRows(z1, 2, "pair metrics");
    }

    /** A non-empty [N, d] matrix of finite rows with non-zero norms. */
    private static void check(Tensor z, String name) {
        if (z.rank() != 2 || z.dim(0) < 1 || z.dim(1) < 1) {
            throw new IllegalArgumentException(name + ": expected a non-empty [N, d] matrix, got shape "
                    + z.shapeString());
        }
        int n = z.dim(0), d = z.dim(1);
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int j = 0; j < d; j++) {
                float v = z.get(i, j);
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(name + " row " + i + " has " + (Float.isNaN(v) ? "NaN"
                            : "an infinite value") + " at column " + j);
                }
                sq += (double) v * v;
            }
            if (sq == 0) {
                throw new IllegalArgumentException(name + " row " + i + " has zero norm, so it has no direction");
            }
        }
    }
}
