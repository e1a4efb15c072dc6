package org.jcontrast.internal.loss;

import java.util.Arrays;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.loss.Normalize;
import org.jcontrast.loss.Selection;

/**
 * What a loss computes on one batch, flattened: the kind, every option any kind has, and the batch's
 * labels and bank. The implementations read this; users write a {@link LossSpec} and
 * {@link BatchInputs}, which {@link #of(LossSpec, BatchInputs)} turns into one. Immutable; each
 * {@code with…} method returns a copy.
 *
 * <p>Unset options take the kind's defaults: τ from {@link LossKind#defaultTemperature()}; λ for
 * the simple losses is 1/(number of negatives summed), which makes L_simple the τ → ∞ limit of
 * NT-Xent's gradient direction and satisfies Wang &amp; Liu's identity |∂L/∂s_ii| = Σ_j |∂L/∂s_ij|.
 */
public final class LossOptions {
    private final LossKind kind;
    private double temperature = Double.NaN;
    private Selection selection;
    private NegativeSet negativeSet = NegativeSet.ALL;
    private double lambda = Double.NaN;
    private double sigma = 0.5;
    private boolean weightGradient;
    private boolean clampWeight;
    private boolean rescale = true;
    private boolean symmetric;
    private boolean normalizedInputs;
    private float eps = Normalize.strict().eps();
    private boolean zeroRowsAllowed;
    private int[] labels;
    private MemoryBank bank;

    private LossOptions(LossKind kind) {
        this.kind = kind;
    }

    /** A spec with the defaults of {@code kind}. */
    public static LossOptions of(LossKind kind) {
        return new LossOptions(kind);
    }

    /** The options of {@code spec} on a batch with {@code batch}'s inputs. */
    public static LossOptions of(LossSpec spec, BatchInputs batch) {
        LossSpec.Builder b = LossSpec.builder(spec);
        LossOptions s = new LossOptions(spec.kind());
        s.temperature = b.temperature();
        s.selection = b.selection();
        s.negativeSet = b.negatives();
        s.lambda = b.lambda();
        s.sigma = b.sigma();
        s.weightGradient = b.weightGradient();
        s.clampWeight = b.clampWeight();
        s.rescale = b.rescale();
        s.symmetric = b.symmetric();
        Normalize normalize = b.normalize();
        s.normalizedInputs = normalize.unitRowsGiven();
        s.eps = normalize.eps();
        s.zeroRowsAllowed = normalize.zeroRowsAllowed();
        s.labels = batch.labels();
        s.bank = batch.bank();
        return s;
    }

    private LossOptions copy() {
        LossOptions s = new LossOptions(kind);
        s.temperature = temperature;
        s.selection = selection;
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
        return selection instanceof Selection.TopK top ? top.k() : 0;
    }

    /** α of the upper-quantile selection; NaN when unset. */
    public double quantile() {
        return selection instanceof Selection.Quantile q ? q.alpha() : Double.NaN;
    }

    /** The hard losses' selection of negatives; null when unset. */
    public Selection selection() {
        return selection;
    }

    /**
     * How many of an anchor's {@code m} candidate negatives the hard selection ranks in
     * ({@link Selection#rank}); m without a selection.
     */
    public int selectionRank(int m) {
        return selection == null ? m : selection.rank(m);
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

    /**
     * SupCon's class labels, one per row of a view; null when unset. The options' own array, copied
     * when they were made: read it, never write it (a copy per read was a loss call's last garbage
     * that grew with the batch).
     */
    public int[] labels() {
        return labels;
    }

    /** InfoNCE's bank of negatives; null when unset. */
    public MemoryBank bank() {
        return bank;
    }

    /** With τ &gt; 0. */
    public LossOptions withTemperature(double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("the temperature must be a positive finite number, got " + t);
        }
        LossOptions s = copy();
        s.temperature = t;
        return s;
    }

    /** With top-K negative selection, K ≥ 1. */
    public LossOptions withTopK(int k) {
        LossOptions s = copy();
        s.selection = Selection.topK(k);
        return s;
    }

    /** With upper-quantile negative selection, 0 &lt; α ≤ 1: keep the negatives at or above it. */
    public LossOptions withQuantile(double alpha) {
        LossOptions s = copy();
        s.selection = Selection.quantile(alpha);
        return s;
    }

    /** With the given negative set. */
    public LossOptions withNegativeSet(NegativeSet set) {
        LossOptions s = copy();
        s.negativeSet = set;
        return s;
    }

    /** With λ of the simple losses (finite, ≥ 0). */
    public LossOptions withLambda(double l) {
        if (!(l >= 0) || Double.isInfinite(l)) {
            throw new IllegalArgumentException("lambda must be a finite number ≥ 0, got " + l);
        }
        LossOptions s = copy();
        s.lambda = l;
        return s;
    }

    /** With σ of DCLW's weight (&gt; 0). */
    public LossOptions withSigma(double sg) {
        if (!(sg > 0) || Double.isInfinite(sg)) {
            throw new IllegalArgumentException("sigma must be a positive finite number, got " + sg);
        }
        LossOptions s = copy();
        s.sigma = sg;
        return s;
    }

    /** DCLW: let the gradient flow through w (default: detached). */
    public LossOptions withWeightGradient(boolean on) {
        LossOptions s = copy();
        s.weightGradient = on;
        return s;
    }

    /** DCLW: clamp w at 0. */
    public LossOptions withClampWeight(boolean on) {
        LossOptions s = copy();
        s.clampWeight = on;
        return s;
    }

    /** SupCon: multiply by τ (default true, as lightly). */
    public LossOptions withRescale(boolean on) {
        LossOptions s = copy();
        s.rescale = on;
        return s;
    }

    /** InfoNCE: average both directions. */
    public LossOptions withSymmetric(boolean on) {
        LossOptions s = copy();
        s.symmetric = on;
        return s;
    }

    /** The inputs are already unit-norm. */
    public LossOptions withNormalizedInputs(boolean on) {
        LossOptions s = copy();
        s.normalizedInputs = on;
        return s;
    }

    /**
     * Normalise as PyTorch's {@code F.normalize(z, eps=eps)}: zero-norm rows are accepted and come
     * out as zeros. Without this, a zero-norm row is an error naming the row.
     */
    public LossOptions withNormalizeEps(float e) {
        if (!(e > 0) || Float.isInfinite(e)) {
            throw new IllegalArgumentException("eps must be a positive finite number, got " + e);
        }
        LossOptions s = copy();
        s.eps = e;
        s.zeroRowsAllowed = true;
        return s;
    }

    /** SupCon's labels, one per row of a view. */
    public LossOptions withLabels(int[] y) {
        LossOptions s = copy();
        s.labels = y.clone();
        return s;
    }

    /** InfoNCE's bank of negatives. */
    public LossOptions withBank(MemoryBank b) {
        LossOptions s = copy();
        s.bank = b;
        return s;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(kind.cliName());
        if (kind.usesTemperature()) {
            sb.append(" τ=").append(temperature());
        }
        if (selection != null) {
            sb.append(' ').append(selection);
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
