package org.jcontrast.loss;

import java.util.Arrays;

/**
 * What a loss computes: its kind and options. Immutable; each {@code with…} method returns a copy.
 *
 * <p>Unset options take the kind's defaults: τ from {@link LossKind#defaultTemperature()}; λ for
 * the simple losses is 1/(number of negatives summed), which makes L_simple the τ → ∞ limit of
 * NT-Xent's gradient direction and satisfies Wang &amp; Liu's identity |∂L/∂s_ii| = Σ_j |∂L/∂s_ij|.
 */
public final class LossSpec {
    /** Default eps of the row normalisation z / max(‖z‖, eps), as in PyTorch's F.normalize. */
    public static final float DEFAULT_EPS = 1e-12f;

    private final LossKind kind;
    private double temperature = Double.NaN;
    private int topK;
    private double quantile = Double.NaN;
    private NegativeSet negativeSet = NegativeSet.ALL;
    private double lambda = Double.NaN;
    private double sigma = 0.5;
    private boolean weightGradient;
    private boolean clampWeight;
    private boolean rescale = true;
    private boolean symmetric;
    private boolean normalizedInputs;
    private float eps = DEFAULT_EPS;
    private boolean zeroRowsAllowed;
    private int[] labels;
    private MemoryBank bank;

    private LossSpec(LossKind kind) {
        this.kind = kind;
    }

    /** A spec with the defaults of {@code kind}. */
    public static LossSpec of(LossKind kind) {
        return new LossSpec(kind);
    }

    private LossSpec copy() {
        LossSpec s = new LossSpec(kind);
        s.temperature = temperature;
        s.topK = topK;
        s.quantile = quantile;
        s.negativeSet = negativeSet;
        s.lambda = lambda;
        s.sigma = sigma;
        s.weightGradient = weightGradient;
        s.clampWeight = clampWeight;
        s.rescale = rescale;
        s.symmetric = symmetric;
        s.normalizedInputs = normalizedInputs;
        s.eps = eps;
        s.zeroRowsAllowed = zeroRowsAllowed;
        s.labels = labels;
        s.bank = bank;
        return s;
    }

    /** The loss. */
    public LossKind kind() {
        return kind;
    }

    /** τ: the given one, else the kind's default (NaN for the simple losses). */
    public double temperature() {
        return Double.isNaN(temperature) ? kind.defaultTemperature() : temperature;
    }

    /** K of the top-K selection; 0 when unset. */
    public int topK() {
        return topK;
    }

    /** α of the upper-quantile selection; NaN when unset. */
    public double quantile() {
        return quantile;
    }

    /**
     * How many of an anchor's {@code m} candidate negatives the hard selection ranks in: min(K, m)
     * for top-K; r = ⌈α·m⌉ (at least 1) for the quantile, whose threshold is the r-th largest
     * similarity, every negative at or above it being kept (ties included); m without a selection.
     * Top-K breaks ties by the lower index in the concatenated [view 1 | view 2] order.
     */
    public int selectionRank(int m) {
        if (topK > 0) {
            return Math.min(topK, m);
        }
        if (!Double.isNaN(quantile)) {
            return Math.max(1, Math.min(m, (int) Math.ceil(quantile * m - 1e-9)));
        }
        return m;
    }

    /** The negatives of the hard and simple losses. */
    public NegativeSet negativeSet() {
        return negativeSet;
    }

    /** λ of the simple losses as given; NaN means 1/(number of negatives summed per anchor). */
    public double lambda() {
        return lambda;
    }

    /** σ of DCLW's von Mises–Fisher weight. */
    public double sigma() {
        return sigma;
    }

    /** DCLW: whether the gradient flows through the weight w (by default it is detached). */
    public boolean weightGradient() {
        return weightGradient;
    }

    /** DCLW: whether w is clamped at 0. */
    public boolean clampWeight() {
        return clampWeight;
    }

    /** SupCon: whether the loss is multiplied by τ, as lightly does by default. */
    public boolean rescale() {
        return rescale;
    }

    /** InfoNCE: whether the loss averages both directions (z1 as queries, then z2 as queries). */
    public boolean symmetric() {
        return symmetric;
    }

    /** Whether the rows are already unit-norm (checked to 1e-3, then used as given). */
    public boolean normalizedInputs() {
        return normalizedInputs;
    }

    /** eps of z / max(‖z‖, eps). */
    public float eps() {
        return eps;
    }

    /** Whether zero-norm rows are accepted (PyTorch's F.normalize behaviour) instead of rejected. */
    public boolean zeroRowsAllowed() {
        return zeroRowsAllowed;
    }

    /** SupCon's class labels, one per row of a view; null when unset. */
    public int[] labels() {
        return labels == null ? null : labels.clone();
    }

    /** InfoNCE's bank of negatives; null when unset. */
    public MemoryBank bank() {
        return bank;
    }

    /** With τ &gt; 0. */
    public LossSpec withTemperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("the temperature must be a positive finite number, got " + t);
        }
        LossSpec s = copy();
        s.temperature = t;
        return s;
    }

    /** With top-K negative selection, K ≥ 1. */
    public LossSpec withTopK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("top-K needs K ≥ 1, got " + k);
        }
        LossSpec s = copy();
        s.topK = k;
        return s;
    }

    /** With upper-quantile negative selection, 0 &lt; α ≤ 1: keep the negatives at or above it. */
    public LossSpec withQuantile(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("the quantile must be in (0, 1], got " + alpha);
        }
        LossSpec s = copy();
        s.quantile = alpha;
        return s;
    }

    /** With the given negative set. */
    public LossSpec withNegativeSet(NegativeSet set) {
        LossSpec s = copy();
        s.negativeSet = set;
        return s;
    }

    /** With λ of the simple losses (finite, ≥ 0). */
    public LossSpec withLambda(double l) {
        if (!(l >= 0) || Double.isInfinite(l)) {
            throw new IllegalArgumentException("lambda must be a finite number ≥ 0, got " + l);
        }
        LossSpec s = copy();
        s.lambda = l;
        return s;
    }

    /** With σ of DCLW's weight (&gt; 0). */
    public LossSpec withSigma(double sg) {
        if (!(sg > 0) || Double.isInfinite(sg)) {
            throw new IllegalArgumentException("sigma must be a positive finite number, got " + sg);
        }
        LossSpec s = copy();
        s.sigma = sg;
        return s;
    }

    /** DCLW: let the gradient flow through w (default: detached). */
    public LossSpec withWeightGradient(boolean on) {
        LossSpec s = copy();
        s.weightGradient = on;
        return s;
    }

    /** DCLW: clamp w at 0. */
    public LossSpec withClampWeight(boolean on) {
        LossSpec s = copy();
        s.clampWeight = on;
        return s;
    }

    /** SupCon: multiply by τ (default true, as lightly). */
    public LossSpec withRescale(boolean on) {
        LossSpec s = copy();
        s.rescale = on;
        return s;
    }

    /** InfoNCE: average both directions. */
    public LossSpec withSymmetric(boolean on) {
        LossSpec s = copy();
        s.symmetric = on;
        return s;
    }

    /** The inputs are already unit-norm. */
    public LossSpec withNormalizedInputs(boolean on) {
        LossSpec s = copy();
        s.normalizedInputs = on;
        return s;
    }

    /**
     * Normalise as PyTorch's {@code F.normalize(z, eps=eps)}: zero-norm rows are accepted and come
     * out as zeros. Without this, a zero-norm row is an error naming the row.
     */
    public LossSpec withNormalizeEps(float e) {
        if (!(e > 0) || Float.isInfinite(e)) {
            throw new IllegalArgumentException("eps must be a positive finite number, got " + e);
        }
        LossSpec s = copy();
        s.eps = e;
        s.zeroRowsAllowed = true;
        return s;
    }

    /** SupCon's labels, one per row of a view. */
    public LossSpec withLabels(int[] y) {
        LossSpec s = copy();
        s.labels = y.clone();
        return s;
    }

    /** InfoNCE's bank of negatives. */
    public LossSpec withBank(MemoryBank b) {
        LossSpec s = copy();
        s.bank = b;
        return s;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.cliName());
        if (kind.usesTemperature()) {
            sb.append(" τ=").append(temperature());
        }
        if (topK > 0) {
            sb.append(" top-k=").append(topK);
        }
        if (!Double.isNaN(quantile)) {
            sb.append(" quantile=").append(quantile);
        }
        if (negativeSet != NegativeSet.ALL) {
            sb.append(" negatives=").append(negativeSet.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (!Double.isNaN(lambda)) {
            sb.append(" λ=").append(lambda);
        }
        if (kind == LossKind.DCLW) {
            sb.append(" σ=").append(sigma).append(weightGradient ? " w-grad" : "").append(clampWeight ? " w≥0" : "");
        }
        if (labels != null) {
            sb.append(" labels=").append(labels.length > 8 ? labels.length + " values" : Arrays.toString(labels));
        }
        return sb.toString();
    }
}
