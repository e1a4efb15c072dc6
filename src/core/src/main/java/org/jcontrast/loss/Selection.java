package org.jcontrast.loss;

/**
 * Which of an anchor's candidate negatives Wang &amp; Liu's hard losses keep: the K most similar, or
 * those in the upper α-quantile of similarity. Immutable and thread-safe.
 */
public sealed interface Selection permits Selection.TopK, Selection.Quantile {

    /**
     * The {@code k} most similar negatives.
     *
     * @param k K ≥ 1
     * @return the selection
     */
    static Selection topK(int k) {
        return new TopK(k);
    }

    /**
     * The negatives at or above the upper {@code alpha}-quantile of similarity.
     *
     * @param alpha α in (0, 1]
     * @return the selection
     */
    static Selection quantile(double alpha) {
        return new Quantile(alpha);
    }

    /**
     * How many of {@code m} candidates the selection ranks in: min(K, m) for top-K, r = ⌈α·m⌉ (at
     * least 1) for the quantile, whose threshold is the r-th largest similarity (ties at it are kept).
     *
     * @param m the number of candidates
     * @return the number selected before ties
     */
    int rank(int m);

    /**
     * The K most similar negatives, K ≥ 1; ties are broken by the lower index in the concatenated
     * [view 1 | view 2] order.
     *
     * @param k how many
     */
    record TopK(int k) implements Selection {
        /** Checks K. */
        public TopK {
            if (k < 1) {
                throw new IllegalArgumentException("top-K needs K ≥ 1, got " + k);
            }
        }

        @Override
        public int rank(int m) {
            return Math.min(k, m);
        }

        @Override
        public String toString() {
            return "top-k=" + k;
        }
    }

    /**
     * The negatives at or above the upper α-quantile of similarity, 0 &lt; α ≤ 1, every tie at the
     * threshold included.
     *
     * @param alpha the kept fraction
     */
    record Quantile(double alpha) implements Selection {
        /** Checks α. */
        public Quantile {
            if (!(alpha > 0 && alpha <= 1)) {
                throw new IllegalArgumentException("the quantile must be in (0, 1], got " + alpha);
            }
        }

        @Override
        public int rank(int m) {
            return Math.max(1, Math.min(m, (int) Math.ceil(alpha * m - 1e-9)));
        }

        @Override
        public String toString() {
            return "quantile=" + alpha;
        }
    }
}
