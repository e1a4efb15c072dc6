package org.jcontrast.internal.backend;

/**
 * The passes of a streaming loss with its embeddings resident on a device: a {@link GemmBackend}
 * that has them (see {@link GemmBackend#residentSweeps()}) uploads R and C once, computes every tile
 * S = R·Cᵀ, its exponentials, sums and gradient weights, and ∂L/∂R += H·C, ∂L/∂C += Hᵀ·R in its own
 * memory, and returns only per-anchor statistics and the final gradients.
 *
 * <p>The loss's conventions stay with the caller, who describes each sweep in a {@link Plan} and
 * turns the statistics into the gradient's per-anchor coefficients. Row i is anchor i; column j is
 * anchor {@code colAnchor0 + j}, or no anchor. For a summed entry (a, b) anchor a's logit is β·s.
 * Entry (a, b) plays no part when {@code excludeSelf} and a = b; it is a positive of both anchors
 * when their keys are equal (no positives when {@code keys} is null); it is in both anchors' sums
 * unless it is a positive and {@code positiveInSum} is false. Implementations are safe to use from
 * several threads, each with its own {@link Sweep}; a sweep is for one thread.
 */
public interface ResidentSweeps {

    /**
     * One sweep over S = R·Cᵀ.
     *
     * @param rows rows of R (the row anchors 0..rows−1)
     * @param cols rows of C (ignored and equal to {@code rows} when {@code symmetric})
     * @param width the embedding width d
     * @param symmetric R = C: only tiles i ≤ j are visited, each entry (a, b) once for both anchors
     * @param colAnchor0 the anchor of column 0, or −1 when the columns are not anchors
     * @param anchors the number of anchors, the length of every per-anchor array
     * @param tile rows and columns of a tile of S
     * @param keys per anchor, a non-negative key (equal keys: positives), or null for no positives
     * @param excludeSelf entry (a, a) is in no sum (one tower)
     * @param positiveInSum positives enter the sums (not DCL, DCLW)
     * @param beta the logit scale β &gt; 0
     * @param sharedShift a shift M with β·s ≤ M for every entry and 2M small enough that every anchor can
     *     use it (see {@code TileSweep}), or NaN for each tile run shifted by its own max
     */
    record Plan(int rows, int cols, int width, boolean symmetric, int colAnchor0, int anchors, int tile,
                int[] keys, boolean excludeSelf, boolean positiveInSum, float beta, float sharedShift) {
        /** Checks the sizes. */
        public Plan {
            if (rows < 1 || cols < 1 || width < 1 || tile < 1 || anchors < rows || !(beta > 0)) {
                throw new IllegalArgumentException("resident sweep: bad plan " + rows + "x" + cols + "x" + width
                        + ", tile " + tile + ", " + anchors + " anchors, beta " + beta);
            }
            if (symmetric && (rows != cols || colAnchor0 != 0)) {
                throw new IllegalArgumentException("resident sweep: a symmetric sweep has R = C and column anchors 0..");
            }
            if (keys != null && (keys.length != anchors || colAnchor0 < 0)) {
                throw new IllegalArgumentException("resident sweep: keys need column anchors and one key per anchor");
            }
        }

        /** Whether every anchor uses {@link #sharedShift}. */
        public boolean shared() {
            return !Float.isNaN(sharedShift);
        }
    }

    /**
     * What the observe pass found, per anchor: Σ exp(β·s − max[a]) = sumExp[a] over its summed
     * entries (max = −∞ and sumExp = 0 when there were none), and the sum and count of its positives'
     * similarities. Arrays of {@link Plan#anchors()} entries; anchors the sweep does not reach keep
     * max = −∞ and zeros.
     */
    record Sums(double[] max, double[] sumExp, double[] positiveSum, int[] positives) {
        /** Checks that the arrays have one length. */
        public Sums {
            int n = max.length;
            if (sumExp.length != n || positiveSum.length != n || positives.length != n) {
                throw new IllegalArgumentException("resident sweep: per-anchor arrays of different lengths");
            }
        }
    }

    /**
     * A sweep's device memory: R and C uploaded when opened, freed when closed. Not thread-safe.
     */
    interface Sweep extends AutoCloseable {
        /** The observe pass. */
        Sums observe();

        /**
         * The gradient pass: with the anchors' coefficients, ∂L/∂s_ab = weight[a]·exp(β·s_ab − shift[a])
         * on a's summed entries plus positiveGradient[a] at a's positives, and the same from b when
         * the columns are anchors (shift is ignored under a shared shift, which every anchor uses).
         * Adds ∂L/∂R to {@code dRows} from {@code dRowsOffset} and, unless null, ∂L/∂C to
         * {@code dCols}; on failure neither has been written.
         */
        void gradient(float[] shift, float[] weight, float[] positiveGradient, float[] dRows, int dRowsOffset,
                      float[] dCols, int dColsOffset);

        /** Frees the device memory. */
        @Override
        void close();
    }

    /**
     * Uploads R ({@code plan.rows()} × width, row-major from {@code rowsOffset}) and C (unless the
     * plan is symmetric) and returns the sweep over them.
     *
     * @throws RuntimeException when the device fails; nothing is left allocated
     */
    Sweep open(Plan plan, float[] r, int rowsOffset, float[] c, int colsOffset);

    /** Passes (observe or gradient) completed so far: what a report can say ran resident on the device. */
    long passes();

    /** One line for people: the driver and how the kernels were loaded. */
    String describe();
}
