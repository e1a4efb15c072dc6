package org.jcontrast.internal.kernel;

/**
 * Single-threaded primitives over a contiguous run of {@code n} floats starting at an offset, and
 * the transpose of a row-major block. The row-wise operations of {@link org.jcontrast.internal.tensor.Ops}
 * (logsumexp, softmax, norms, normalisation) are composed from these, so each provider supplies
 * only the primitives. Outputs of the run primitives may alias inputs exactly (same array and
 * offset); a transpose's output must not overlap its input.
 */
public interface ArrayKernel {
    /**
     * Floats in the widest vector any provider uses (512 bits): the lanes a reduction keeps at every
     * width, and the alignment of column ranges that split no vector.
     */
    int WIDEST_LANES = 512 / Float.SIZE;

    /** The largest element; NaN if any element is NaN; −∞ for n = 0. */
    float max(float[] x, int xo, int n);

    /** The index i (0 ≤ i &lt; n, counted from xo) of the first NaN or infinity, or −1 if all are finite. */
    int firstNonFinite(float[] x, int xo, int n);

    /** Σ x. */
    float sum(float[] x, int xo, int n);

    /** Σ x·y. */
    float dot(float[] x, int xo, float[] y, int yo, int n);

    /** Σ exp(x − shift): the max-shifted partition sum of a logsumexp. */
    float sumExp(float[] x, int xo, float shift, int n);

    /** out = exp(x − shift). */
    void exp(float[] x, int xo, float shift, float[] out, int oo, int n);

    /**
     * The promise {@code bounded} makes to {@link #sumScaledExp} and {@link #scaledExp}: every
     * β·x − shift is −∞ (a masked logit, whose term is 0) or within ±EXP_BOUND, where 2ⁿ of the
     * exponential's range reduction is a normal float. The results have the same bits either way; a
     * kernel may skip its clamps and its two-step scaling for the subnormal range when it holds.
     */
    float EXP_BOUND = 87f;

    /**
     * Σ exp(β·x − shift), the partition sum of logits β·x; unless {@code across} is null, each
     * term is also added to {@code across[ao + i]}, and unless {@code out} is null stored at
     * {@code out[oo + i]}. A block of logits whose rows and columns share one shift gets its row
     * sums and its column sums from one pass this way, and can keep its terms for {@link #weigh}.
     * {@code bounded}: see {@link #EXP_BOUND}.
     */
    float sumScaledExp(float[] x, int xo, float beta, float shift, boolean bounded, float[] across, int ao,
                       float[] out, int oo, int n);

    /**
     * out = exp(β·x − shift)·(weight + weights[wo + i]), or with {@code weight} alone when
     * {@code weights} is null: softmax weights scaled per row and, through {@code weights}, per column.
     * {@code bounded}: see {@link #EXP_BOUND}.
     */
    void scaledExp(float[] x, int xo, float beta, float shift, boolean bounded, float weight, float[] weights,
                   int wo, float[] out, int oo, int n);

    /**
     * out = x·(weight + weights[wo + i]): {@link #scaledExp}'s weighting of terms already computed,
     * with the same bits as {@code scaledExp} gives from the logits.
     */
    void weigh(float[] x, int xo, float weight, float[] weights, int wo, float[] out, int oo, int n);

    /** out = log(x). */
    void log(float[] x, int xo, float[] out, int oo, int n);

    /** out = alpha·x + beta (an affine map; {@code beta = 0} is a scale, {@code alpha = 1} a shift). */
    void affine(float alpha, float[] x, int xo, float beta, float[] out, int oo, int n);

    /** y += alpha·x. */
    void axpy(float alpha, float[] x, int xo, float[] y, int yo, int n);

    /** out = x + y. */
    void add(float[] x, int xo, float[] y, int yo, float[] out, int oo, int n);

    /** out = x·y, elementwise. */
    void mul(float[] x, int xo, float[] y, int yo, float[] out, int oo, int n);

    /** out = max(x, 0), NaN staying NaN. */
    void relu(float[] x, int xo, float[] out, int oo, int n);

    /** out = g where y &gt; 0, else 0: the gradient of a ReLU whose output was y. */
    void reluBackward(float[] y, int yo, float[] g, int go, float[] out, int oo, int n);

    /*
     * Training-mode batch norm, each pass along a row or down a strip of columns in one call:
     * x̂ = (x + negMean)·invStd per column (from c) is recomputed in registers where it is needed,
     * rather than stored as a second batch or as a row between calls (1.2–1.4× the per-step calls
     * at 1024 × 256 and 512). Every operation is rounded as written.
     */

    /**
     * sums[c + i] += x[xo + r·ld + i] for the rows r = 0 … rows − 1 in order: the sums of n columns
     * of a row-major matrix with row stride {@code ld}.
     */
    void addColumnSums(float[] x, int xo, int ld, int rows, float[] sums, int c, int n);

    /**
     * sums[c + i] += (x + negMean[c + i])², one fused multiply-add per row, for the rows in order
     * (as {@link #addColumnSums}): the columns' squared deviations.
     */
    void addSquaredDeviations(float[] x, int xo, int ld, int rows, float[] negMean, float[] sums, int c, int n);

    /**
     * out = x̂·gamma + beta (one fused multiply-add), then max(·, 0) when {@code relu}: a row of
     * batch norm's output.
     */
    void batchNormRow(float[] x, int xo, float[] negMean, float[] invStd, int c, float[] gamma, int go,
                      float[] beta, int bo, boolean relu, float[] out, int oo, int n);

    /**
     * dBeta[c + i] += G and dGamma[c + i] += G·x̂ (fused) for the rows in order (g, y and x with row
     * stride {@code ld}, as {@link #addColumnSums}), where G is g or, when {@code y} is not null, g
     * where y &gt; 0 and else 0 (the gradient through a ReLU whose output was y): batch norm's
     * parameter gradients.
     */
    void addBatchNormGradients(float[] g, int go, float[] y, int yo, float[] x, int xo, int ld, int rows,
                               float[] negMean, float[] invStd, float[] dBeta, float[] dGamma, int c, int n);

    /**
     * dx = x̂·cx + (G·cg + c1), two fused multiply-adds with column coefficients (from c), G as in
     * {@link #addBatchNormGradients}: a row of batch norm's input gradient.
     */
    void batchNormInputGradient(float[] g, int go, float[] y, int yo, float[] x, int xo, float[] negMean,
                                float[] invStd, float[] cg, float[] c1, float[] cx, int c, float[] dx, int dxo, int n);

    /**
     * One AdamW update of n weights in place from their gradients: m = β₁·m + (1 − β₁)·g,
     * v = β₂·v + (1 − β₂)·g·g, w = keep·w − stepSize·m / (√v·invSqrtCorrection2 + ε), every
     * operation rounded as written (no fused multiply-add), so that all widths give the same bits.
     */
    void adamW(AdamCoefficients c, float[] w, int wo, float[] g, int go, float[] m, int mo, float[] v, int vo, int n);

    /**
     * dst ← srcᵀ, or dst ← dst + srcᵀ when {@code accumulate}: src is a rows×cols block with row
     * stride {@code lds}, dst a cols×rows block with row stride {@code ldd}.
     */
    void transpose(float[] src, int so, int lds, int rows, int cols, float[] dst, int dOff, int ldd,
                   boolean accumulate);
}
