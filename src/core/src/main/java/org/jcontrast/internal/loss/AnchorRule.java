package org.jcontrast.internal.loss;

import java.util.Arrays;
import org.jcontrast.internal.Context;
import org.jcontrast.internal.kernel.ArrayKernel;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.NegativeSet;

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
 * <p><b>Use.</b> Per anchor: {@link #begin}; if {@link #selects()}, fix the selection with
 * {@link #select} from the {@link #selectionRank}-th best candidate (larger s first, ties to the
 * lower column), found among the entries {@link #maskNonCandidates} leaves; {@link #observeRun}
 * each run of the anchor's row, in any cut (a whole row, or tile by tile); {@link #finish}. Then
 * {@link #gradientRun} turns any run of similarities into ∂L/∂s, and {@link AnchorStats#loss()}
 * is the anchor's share. The run methods classify only the few special columns of a run (the
 * anchor itself, its positives, a negative set's excluded view) and leave the bulk of plain
 * entries to the SIMD primitives; {@link #observe} and {@link #gradient} do the same for single
 * entries, for engines that visit only a sparse set of them.
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
    private final LossOptions spec;
    private final int[] labels;
    /** SupCon: the 2N columns grouped by label, ascending within a group; group g is [groupStart[g], groupStart[g+1]). */
    private final int[] columnsByLabel;
    private final int[] groupStart;
    /** SupCon: the group of sample i mod N. */
    private final int[] groupOf;
    private final double[] pairWeight;
    private final double[] pairGradient;

    private AnchorRule(LossOptions spec, int n, int bankSize, float[] pairSimilarity) {
        this.spec = spec;
        this.kind = spec.kind();
        this.n = n;
        this.cross = spec.negativeSet() == NegativeSet.CROSS;
        this.linear = kind == LossKind.SIMPLE || kind == LossKind.HARDSIMPLE;
        this.positiveInSum = !linear && kind != LossKind.DCL && kind != LossKind.DCLW;
        this.beta = linear ? 1 : 1 / spec.temperature();
        this.anchors = anchors(spec, n);
        this.columns = columns(spec, n, bankSize);
        double scale = kind == LossKind.SUPCON && spec.rescale() ? spec.temperature() : 1;
        this.anchorWeight = scale / anchors;
        this.lambda = spec.lambda();
        this.labels = kind == LossKind.SUPCON ? spec.labels() : null;
        LossWorkspace workspace = LossWorkspace.ofCall();
        if (labels != null) {
            LabelGroups groups = workspace.labelGroups(n).group(labels);
            columnsByLabel = groups.columns;
            groupOf = groups.groupOf;
            groupStart = groups.start;
        } else {
            columnsByLabel = null;
            groupStart = null;
            groupOf = null;
        }
        if (kind == LossKind.DCLW) {
            if (pairSimilarity == null || pairSimilarity.length != n) {
                throw new IllegalArgumentException("dclw: needs the similarities of the " + n + " positive pairs");
            }
            pairWeight = workspace.pairWeights(n);
            pairGradient = workspace.pairWeightGradients(n);
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
    public static AnchorRule of(LossOptions spec, int n, int bankSize, float[] pairSimilarity) {
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
        double weighted = 0;
        for (int i = 0; i < n; i++) {
            double pi = Math.exp(c[i] / sigma - max) / sum;
            double mask = weightMask(pi);
            pairWeight[i] = mask == 0 ? 0 : 2 - n * pi;
            weighted += mask * pi * c[i];
        }
        if (!spec.weightGradient()) {
            Arrays.fill(pairGradient, 0, n, 0);
            return;
        }
        double scale = 1 / (spec.temperature() * sigma);
        for (int i = 0; i < n; i++) {
            double pi = Math.exp(c[i] / sigma - max) / sum;
            pairGradient[i] = scale * pi * (weightMask(pi) * c[i] - weighted);
        }
    }

    /** DCLW: 0 where the clamp cuts the weight 2 − N·π, else 1. */
    private double weightMask(double pi) {
        return spec.clampWeight() && 2 - n * pi < 0 ? 0 : 1;
    }

    /** Number of anchors of {@code spec} for N rows per view: 2N, or N for one-directional InfoNCE. */
    static int anchors(LossOptions spec, int n) {
        return spec.kind() == LossKind.INFONCE && !spec.symmetric() ? n : 2 * n;
    }

    /** Entries in each anchor's row for N rows per view and a bank of {@code bankSize} rows (InfoNCE). */
    static int columns(LossOptions spec, int n, int bankSize) {
        return switch (spec.kind()) {
            case CLIP -> n;
            case INFONCE -> bankSize + 1;
            default -> 2 * n;
        };
    }

    /** Every anchor's number of candidate negatives in a one-tower loss of N rows per view. */
    static int candidateCount(LossOptions spec, int n) {
        return spec.negativeSet() == NegativeSet.CROSS ? n - 1 : 2 * n - 2;
    }

    /** The loss this rule is of. */
    public LossOptions options() {
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
        return candidateCount(spec, n);
    }

    /** How many candidates the hard selection ranks in ({@link LossOptions#selectionRank}). */
    public int selectionRank() {
        return spec.selectionRank(candidateCount());
    }

    /** {@link #EXCLUDED}, {@link #POSITIVE} or {@link #NEGATIVE}: what column b is to anchor a. */
    public int role(int a, int b) {
        if (b >= excludedFrom(a) && b < excludedTo(a)) {
            return EXCLUDED;
        }
        boolean positive = labels != null ? labels[b % n] == labels[a % n] : b == positive(a);
        return positive ? POSITIVE : NEGATIVE;
    }

    /** The positive column of anchor a, or −1 when its positives are the samples sharing its label (SupCon). */
    private int positive(int a) {
        return switch (kind) {
            case CLIP -> a % n;
            case INFONCE -> columns - 1;
            case SUPCON -> -1;
            default -> a < n ? a + n : a - n;
        };
    }

    /** Columns [excludedFrom(a), excludedTo(a)) play no part for anchor a: itself, or its whole view under CROSS. */
    private int excludedFrom(int a) {
        return switch (kind) {
            case CLIP, INFONCE -> 0;
            default -> cross ? (a < n ? 0 : n) : a;
        };
    }

    private int excludedTo(int a) {
        return switch (kind) {
            case CLIP, INFONCE -> 0;
            default -> cross ? excludedFrom(a) + n : a + 1;
        };
    }

    /** SupCon: the index in {@link #columnsByLabel} of anchor a's first same-label column at or after b0. */
    private int firstSameLabel(int a, int b0) {
        int g = groupOf[a % n];
        int at = Arrays.binarySearch(columnsByLabel, groupStart[g], groupStart[g + 1], b0);
        return at >= 0 ? at : -at - 1;
    }

    /** SupCon: the end of anchor a's group in {@link #columnsByLabel}. */
    private int sameLabelEnd(int a) {
        return groupStart[groupOf[a % n] + 1];
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

    /**
     * Fixes anchor a's hard selection from its {@link #selectionRank}-th best candidate, of
     * similarity {@code value} in column {@code column}: top-K keeps the candidates up to it in the
     * order "larger s first, then lower column"; a quantile keeps every candidate at or above
     * {@code value}, ties included.
     */
    public void select(AnchorStats st, float value, int column) {
        st.select(value, spec.topK() > 0 ? column : Integer.MAX_VALUE);
    }

    /**
     * Sets the entries of anchor a's run of columns [b0, b1), stored from {@code x[off]}, that are
     * not candidate negatives (the anchor itself, its positives, the columns its negative set
     * excludes) to −∞; the candidates keep their similarities. This is what a hard selection ranks.
     */
    public void maskNonCandidates(int a, int b0, int b1, float[] x, int off) {
        maskExcluded(a, b0, b1, x, off);
        int p = positive(a);
        if (p >= b0 && p < b1) {
            x[off + p - b0] = Float.NEGATIVE_INFINITY;
        }
        if (labels != null) {
            for (int k = firstSameLabel(a, b0), end = sameLabelEnd(a); k < end && columnsByLabel[k] < b1; k++) {
                x[off + columnsByLabel[k] - b0] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Observes anchor a's similarities s_ab for the columns [b0, b1), stored from {@code x[off]}:
     * records the positives and merges the entries in the anchor's sum (exponential losses: into
     * the partition; linear ones: into the sum of negatives). The run is left holding scratch
     * values. A row may be observed in runs of any cut and order, each column exactly once.
     */
    public void observeRun(int a, int b0, int b1, float[] x, int off, AnchorStats st) {
        recordPositives(a, b0, b1, x, off, 1, st);
        maskOutsideSum(a, b0, b1, x, off, st);
        int len = b1 - b0;
        if (linear) {
            double sum = 0;
            int count = 0;
            for (int i = off; i < off + len; i++) {
                float v = x[i];
                if (v != Float.NEGATIVE_INFINITY) {
                    sum += v;
                    count++;
                }
            }
            st.negativeSum += sum;
            st.negatives += count;
        } else {
            ArrayKernel k = Context.current().kernels().array();
            // β > 0, so the largest logit is β times the largest similarity.
            float max = (float) beta * k.max(x, off, len);
            if (max != Float.NEGATIVE_INFINITY) {
                st.addPartition(max, k.sumScaledExp(x, off, (float) beta, max, false, null, 0, null, 0, len));
            }
        }
    }

    /**
     * Replaces anchor a's similarities s_ab for the columns [b0, b1), stored from {@code x[off]},
     * by ∂L/∂s_ab, once the anchor is finished.
     */
    public void gradientRun(int a, int b0, int b1, float[] x, int off, AnchorStats st) {
        maskOutsideSum(a, b0, b1, x, off, st);
        int len = b1 - b0;
        if (linear) {
            float g = (float) st.negativeGradient;
            for (int i = off; i < off + len; i++) {
                x[i] = x[i] == Float.NEGATIVE_INFINITY ? 0f : g;
            }
        } else {
            Context.current().kernels().array().scaledExp(x, off, (float) beta, (float) st.lse, false,
                    (float) st.softmaxScale, null, 0, x, off, len);
        }
        addPositiveGradient(a, b0, b1, x, off, 1, st);
    }

    /**
     * True when entry (a, b) is in anchor a's partition exactly when (b, a) is in b's, and the
     * partition is of exponentials: the one-tower exponential losses without a hard selection
     * (ntxent, dcl, dclw, supcon), and clip. The streaming engine then serves a tile's rows and its
     * columns from one set of exponentials when they share a shift.
     */
    boolean symmetricPartition() {
        return !linear && !selects() && kind != LossKind.INFONCE;
    }

    /**
     * True for the log-sum-exp losses without a hard selection (ntxent, dcl, dclw, supcon, clip,
     * infonce), whose partitions {@link #positiveKey}, {@link #excludesSelf} and
     * {@link #positiveInSum} describe: what a device that keeps the embeddings resident computes.
     */
    boolean keyedPartition() {
        return !linear && !selects() && !cross;
    }

    /**
     * A key per anchor: under {@link #keyedPartition}, column anchor b is a positive of anchor a exactly
     * when their keys are equal and (a, b) is not excluded; −1 for InfoNCE, whose bank holds none.
     */
    int positiveKey(int a) {
        return switch (kind) {
            case SUPCON -> groupOf[a % n];
            case INFONCE -> -1;
            default -> a % n; // one tower: a and a ± N; clip: image i and text i
        };
    }

    /** Whether the anchor itself is among its columns and excluded (the one-tower losses). */
    boolean excludesSelf() {
        return kind != LossKind.CLIP && kind != LossKind.INFONCE;
    }

    /** Whether the positives enter the anchor's sum (not DCL, DCLW, nor the linear losses). */
    boolean positiveInSum() {
        return positiveInSum;
    }

    /**
     * Records anchor a's positives among the columns [b0, b1), column b stored at
     * {@code x[off + (b − b0)·stride]}: stride 1 for a row of a tile, the tile's width for a column.
     */
    void recordPositives(int a, int b0, int b1, float[] x, int off, int stride, AnchorStats st) {
        int p = positive(a);
        if (p >= b0 && p < b1) {
            st.positiveSum += x[off + (p - b0) * stride];
            st.positives++;
        }
        if (labels != null) {
            for (int k = firstSameLabel(a, b0), end = sameLabelEnd(a); k < end && columnsByLabel[k] < b1; k++) {
                if (columnsByLabel[k] != a) {
                    st.positiveSum += x[off + (columnsByLabel[k] - b0) * stride];
                    st.positives++;
                }
            }
        }
    }

    /** Adds the finished anchor a's positive gradient at its positives, laid out as in {@link #recordPositives}. */
    void addPositiveGradient(int a, int b0, int b1, float[] x, int off, int stride, AnchorStats st) {
        float pg = (float) st.positiveGradient;
        int p = positive(a);
        if (p >= b0 && p < b1) {
            x[off + (p - b0) * stride] += pg;
        }
        if (labels != null) {
            for (int k = firstSameLabel(a, b0), end = sameLabelEnd(a); k < end && columnsByLabel[k] < b1; k++) {
                if (columnsByLabel[k] != a) {
                    x[off + (columnsByLabel[k] - b0) * stride] += pg;
                }
            }
        }
    }

    /**
     * Sets the entries of a run that are outside anchor a's sum to −∞: excluded columns, candidates
     * outside the hard selection, the positive when the loss leaves it out.
     */
    void maskOutsideSum(int a, int b0, int b1, float[] x, int off, AnchorStats st) {
        int p = positive(a);
        boolean hasPositive = p >= b0 && p < b1;
        float ps = hasPositive ? x[off + p - b0] : 0f;
        if (st.threshold != Float.NEGATIVE_INFINITY) {
            float t = st.threshold;
            int tie = st.tieLimit;
            for (int i = 0, len = b1 - b0; i < len; i++) {
                float s = x[off + i];
                if (s < t || (s == t && b0 + i > tie)) {
                    x[off + i] = Float.NEGATIVE_INFINITY;
                }
            }
        }
        maskExcluded(a, b0, b1, x, off);
        if (hasPositive) {
            x[off + p - b0] = positiveInSum ? ps : Float.NEGATIVE_INFINITY;
        }
    }

    private void maskExcluded(int a, int b0, int b1, float[] x, int off) {
        int from = Math.max(b0, excludedFrom(a)), to = Math.min(b1, excludedTo(a));
        if (from < to) {
            Arrays.fill(x, off + from - b0, off + to - b0, Float.NEGATIVE_INFINITY);
        }
    }
}
