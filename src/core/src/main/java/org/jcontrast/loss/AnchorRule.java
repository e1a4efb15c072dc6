package org.jcontrast.loss;

/**
 * One loss's conventions for a single anchor: which of its columns are positives, candidate
 * negatives or out of play, what enters its sum, its loss once its logsumexp is known, and
 * ∂L/∂s for each of its entries. Every implementation (the materialised kernels of
 * {@link FusedLosses}, a tiled streaming engine) computes through this class, so the conventions
 * of {@code ReferenceLosses64} live in one place.
 *
 * <p><b>Rows and columns.</b> Every loss is the mean over its anchors of an anchor term computed
 * from one row of similarities s_ab:
 * <ul>
 *   <li>one tower (ntxent, dcl, dclw, hard, simple, hardsimple, supcon): the 2N anchors
 *       [view 1 | view 2] against the same 2N columns, s = Y·Yᵀ; the positive of a is a ± N;</li>
 *   <li>clip: anchor a &lt; N is image a against the N texts, anchor N + j is text j against the N
 *       images; the positive is column a mod N;</li>
 *   <li>infonce: anchor a (a query of view 1, or of view 2 when symmetric) against the M bank rows
 *       in columns 0..M−1 and its positive key (sample a ± N) in column M.</li>
 * </ul>
 *
 * <p><b>Anchor term.</b> With logits x = β·s (β = 1/τ), positives P, positive weight π (1; DCLW's
 * w; 1/|P| for supcon) and anchor weight c (1/anchors, ×τ for rescaled supcon):
 * exponential losses give c·(logsumexp_{b in sum} x_ab − π·Σ_{b∈P} x_ab) and linear ones (simple,
 * hardsimple) give c·(λ·Σ_{b in sum} s_ab − π·Σ_{b∈P} s_ab). Hard negatives are chosen among the
 * candidates before anything is summed and carry no gradient through the choice.
 *
 * <p><b>Use.</b> Per anchor: {@link #begin}; if {@link #selects()}, find the
 * {@link #selectionRank}-th best candidate (larger s first, ties to the lower column) and call
 * {@link AnchorStats#select}; {@link #observe} every entry, merging β·s of the summed ones with
 * {@link AnchorStats#addPartition} (exponential losses); {@link #finish}. Then
 * {@link #gradient} gives ∂L/∂s_ab of any entry, and {@link AnchorStats#loss()} the anchor's share.
 * A tiled engine runs the observation pass tile by tile and the gradient pass on recomputed tiles.
 */
public final class AnchorRule {
    /** Role of a column that plays no part for this anchor (itself; same-view samples under CROSS). */
    public static final int EXCLUDED = 0;
    /** Flag of {@link #observe} and {@link #classify}: the entry enters the anchor's sum. */
    public static final int SUMMED = 1;
    /** Role (and flag) of a positive column. */
    public static final int POSITIVE = 2;
    /** Role (and flag) of a candidate negative column. */
    public static final int NEGATIVE = 4;

    private final LossKind kind;
    private final int n;
    private final int anchors;
    private final int columns;
    private final boolean cross;
    private final boolean linear;
    private final boolean positiveInSum;
    private final double beta;
    private final double anchorWeight;
    private final double lambda;
    private final LossSpec spec;
    private final int[] labels;
    private final double[] pairWeight;
    private final double[] pairGradient;

    private AnchorRule(LossSpec spec, int n, int bankSize, float[] pairSimilarity) {
        this.spec = spec;
        this.kind = spec.kind();
        this.n = n;
        this.cross = spec.negativeSet() == NegativeSet.CROSS;
        this.linear = kind == LossKind.SIMPLE || kind == LossKind.HARDSIMPLE;
        this.positiveInSum = !linear && kind != LossKind.DCL && kind != LossKind.DCLW;
        this.beta = linear ? 1 : 1 / spec.temperature();
        this.anchors = kind == LossKind.INFONCE && !spec.symmetric() ? n : 2 * n;
        this.columns = switch (kind) {
            case CLIP -> n;
            case INFONCE -> bankSize + 1;
            default -> 2 * n;
        };
        double scale = kind == LossKind.SUPCON && spec.rescale() ? spec.temperature() : 1;
        this.anchorWeight = scale / anchors;
        this.lambda = spec.lambda();
        this.labels = kind == LossKind.SUPCON ? spec.labels() : null;
        if (kind == LossKind.DCLW) {
            if (pairSimilarity == null || pairSimilarity.length != n) {
                throw new IllegalArgumentException("dclw: needs the similarities of the " + n + " positive pairs");
            }
            pairWeight = new double[n];
            pairGradient = new double[n];
            dclwWeights(pairSimilarity);
        } else {
            pairWeight = null;
            pairGradient = null;
        }
    }

    /**
     * The rule for a batch of {@code n} rows per view. {@code bankSize} is the number of bank rows
     * (InfoNCE; ignored otherwise). {@code pairSimilarity} holds s_{i,i+N} = y_i·y_{i+N} of the N
     * positive pairs, from which DCLW's weights come; the other losses ignore it (pass null).
     */
    public static AnchorRule of(LossSpec spec, int n, int bankSize, float[] pairSimilarity) {
        return new AnchorRule(spec, n, bankSize, pairSimilarity);
    }

    /**
     * DCLW's w_i = 2 − N·softmax_i(s_{i,i+N}/σ), clamped at 0 if asked, and, when the gradient
     * flows through w, the extra ∂L/∂s_{i,i+N} it brings. The anchor terms of i and i+N both
     * hold −w_i·s_{i,i+N}/τ, so that part of the loss is T = −(1/(Nτ))·Σ_i w_i·c_i (c_i the pair
     * similarity) and its derivative through w is π_k/(τσ)·(m_k·c_k − Σ_i m_i·π_i·c_i), with π the
     * softmax and m_i = 0 where the clamp cut w_i.
     */
    private void dclwWeights(float[] c) {
        double sigma = spec.sigma();
        double max = Double.NEGATIVE_INFINITY;
        for (float v : c) {
            max = Math.max(max, v / sigma);
        }
        double sum = 0;
        for (float v : c) {
            sum += Math.exp(v / sigma - max);
        }
        double[] pi = new double[n];
        double[] mask = new double[n];
        double weighted = 0;
        for (int i = 0; i < n; i++) {
            pi[i] = Math.exp(c[i] / sigma - max) / sum;
            double raw = 2 - n * pi[i];
            boolean cut = spec.clampWeight() && raw < 0;
            pairWeight[i] = cut ? 0 : raw;
            mask[i] = cut ? 0 : 1;
            weighted += mask[i] * pi[i] * c[i];
        }
        if (spec.weightGradient()) {
            double scale = 1 / (spec.temperature() * sigma);
            for (int i = 0; i < n; i++) {
                pairGradient[i] = scale * pi[i] * (mask[i] * c[i] - weighted);
            }
        }
    }

    /** The loss this rule is of. */
    public LossSpec spec() {
        return spec;
    }

    /** Number of anchors: 2N, or N for one-directional InfoNCE. */
    public int anchors() {
        return anchors;
    }

    /** Entries in an anchor's row (see the class comment for the layouts). */
    public int columns() {
        return columns;
    }

    /** β: logits are β·s (1/τ; 1 for the linear losses). */
    public double beta() {
        return beta;
    }

    /** True for simple and hardsimple, whose anchor terms are linear in s. */
    public boolean linear() {
        return linear;
    }

    /** True when the anchor's candidate negatives are narrowed by top-K or a quantile. */
    public boolean selects() {
        return kind.selectsNegatives();
    }

    /** Every anchor's number of candidate negatives (one-tower losses). */
    public int candidateCount() {
        return cross ? n - 1 : 2 * n - 2;
    }

    /** How many candidates the hard selection ranks in ({@link LossSpec#selectionRank}). */
    public int selectionRank() {
        return spec.selectionRank(candidateCount());
    }

    /** {@link #EXCLUDED}, {@link #POSITIVE} or {@link #NEGATIVE}: what column b is to anchor a. */
    public int role(int a, int b) {
        switch (kind) {
            case CLIP:
                return b == a % n ? POSITIVE : NEGATIVE;
            case INFONCE:
                return b == columns - 1 ? POSITIVE : NEGATIVE;
            case SUPCON:
                if (b == a) {
                    return EXCLUDED;
                }
                return labels[b % n] == labels[a % n] ? POSITIVE : NEGATIVE;
            default:
                if (b == a) {
                    return EXCLUDED;
                }
                if (b == (a < n ? a + n : a - n)) {
                    return POSITIVE;
                }
                return cross && (a < n) == (b < n) ? EXCLUDED : NEGATIVE;
        }
    }

    /** Starts anchor a. */
    public void begin(int a, AnchorStats st) {
        st.reset(a);
        if (pairWeight != null) {
            st.positiveWeight = pairWeight[a % n];
            st.positiveOffset = pairGradient[a % n] / 2;
        }
    }

    /**
     * The role of entry (a, b) with similarity s, or'ed with {@link #SUMMED} when it enters the
     * anchor's sum (the positive unless the loss is decoupled or linear; the selected candidates).
     * Needs the selection fixed first; changes nothing.
     */
    public int classify(int a, int b, float s, AnchorStats st) {
        int role = role(a, b);
        return switch (role) {
            case POSITIVE -> positiveInSum ? POSITIVE | SUMMED : POSITIVE;
            case NEGATIVE -> st.selected(b, s) ? NEGATIVE | SUMMED : NEGATIVE;
            default -> EXCLUDED;
        };
    }

    /**
     * {@link #classify}, recording positives and, for the linear losses, the summed negatives. The
     * caller merges β·s of the summed entries of the exponential losses into the partition.
     */
    public int observe(int a, int b, float s, AnchorStats st) {
        int f = classify(a, b, s, st);
        if ((f & POSITIVE) != 0) {
            st.positiveSum += s;
            st.positives++;
        } else if (linear && (f & SUMMED) != 0) {
            st.negativeSum += s;
            st.negatives++;
        }
        return f;
    }

    /** Completes the anchor once all its entries were observed: its loss and gradient coefficients. */
    public void finish(AnchorStats st) {
        if (kind == LossKind.SUPCON) {
            st.positiveWeight = 1.0 / st.positives;
        }
        double c = anchorWeight;
        double pi = st.positiveWeight;
        if (linear) {
            double l = Double.isNaN(lambda) ? 1.0 / st.negatives : lambda;
            st.loss = c * (l * st.negativeSum - pi * st.positiveSum);
            st.negativeGradient = c * l;
            st.positiveGradient = -c * pi;
        } else {
            st.lse = st.max + Math.log(st.sumExp);
            st.loss = c * (st.lse - pi * beta * st.positiveSum);
            st.softmaxScale = c * beta;
            st.positiveGradient = -c * beta * pi + st.positiveOffset;
        }
    }

    /** ∂L/∂s_ab of entry (a, b) with similarity s, given the finished statistics of anchor a. */
    public double gradient(int a, int b, float s, AnchorStats st) {
        int f = classify(a, b, s, st);
        double g = 0;
        if ((f & SUMMED) != 0) {
            g += linear ? st.negativeGradient : st.softmaxScale * Math.exp(beta * s - st.lse);
        }
        if ((f & POSITIVE) != 0) {
            g += st.positiveGradient;
        }
        return g;
    }
}
