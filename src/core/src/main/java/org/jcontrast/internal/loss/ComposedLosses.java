package org.jcontrast.internal.loss;

import static org.jcontrast.autograd.Arithmetic.add;
import static org.jcontrast.autograd.Arithmetic.clamp;
import static org.jcontrast.autograd.Arithmetic.exp;
import static org.jcontrast.autograd.Arithmetic.mul;
import static org.jcontrast.autograd.Arithmetic.scale;
import static org.jcontrast.autograd.Arithmetic.sub;
import static org.jcontrast.autograd.Indexing.diagonal;
import static org.jcontrast.autograd.Indexing.maskedFill;
import static org.jcontrast.autograd.Indexing.pick;
import static org.jcontrast.autograd.Layout.concatCols;
import static org.jcontrast.autograd.Layout.concatRows;
import static org.jcontrast.autograd.Layout.reshape;
import static org.jcontrast.autograd.Layout.sliceRows;
import static org.jcontrast.autograd.Layout.transpose;
import static org.jcontrast.autograd.Normalization.normalizeRows;
import static org.jcontrast.autograd.Products.gram;
import static org.jcontrast.autograd.Products.matmul;
import static org.jcontrast.autograd.Reductions.mean;
import static org.jcontrast.autograd.Reductions.sumRows;
import static org.jcontrast.autograd.Softmax.logSoftmaxRows;
import static org.jcontrast.autograd.Softmax.logSumExpRows;
import static org.jcontrast.autograd.Softmax.softmaxRows;

import org.jcontrast.autograd.Selection;
import org.jcontrast.autograd.Variable;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossResult;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;

/**
 * Every {@link LossKind} written as a composition of autograd operations, normalisation included,
 * so that its gradients come from the operations' own backward passes. This is the readable
 * statement of each loss in float32, the one the fused kernels are tested against; it favours
 * clarity over speed and memory (it holds several [2N, 2N] matrices).
 *
 * <p>Conventions are those of {@link LossOptions} and the float64 reference: the 2N samples are
 * [view 1 | view 2], the positive of sample a is a ± N, and the hard-negative selection and
 * DCLW's weight (unless {@link LossOptions#weightGradient()}) carry no gradient.
 */
public final class ComposedLosses {
    private ComposedLosses() {
    }

    /** The loss of {@code spec}, computed on the autograd. */
    public static LossImplementation create(LossOptions spec) {
        return new LossImplementation() {
            @Override
            public LossOptions options() {
                return spec;
            }

            @Override
            public LossResult compute(Tensor z1, Tensor z2) {
                return ComposedLosses.compute(spec, z1, z2);
            }

            @Override
            public String toString() {
                return "composed " + spec;
            }
        };
    }

    /**
     * The loss of {@code spec} at (z1, z2) and its gradients with respect to the raw inputs, and for
     * CLIP with respect to its logit scale t = log(1/τ).
     */
    public static LossResult compute(LossOptions spec, Tensor z1, Tensor z2) {
        Variable v1 = Variable.parameter("z1", z1);
        Variable v2 = Variable.parameter("z2", z2);
        Variable t = spec.kind() == LossKind.CLIP
                ? Variable.parameter("logit scale", Tensor.scalar((float) Math.log(1 / spec.temperature())))
                : null;
        Variable loss = build(spec, v1, v2, t);
        loss.backward();
        return new LossResult(loss.value().item(), v1.grad(), v2.grad(), t == null ? Double.NaN : t.grad().item());
    }

    /**
     * The loss of {@code spec} as a scalar in a larger graph, e.g. behind a projection head: z1 and
     * z2 are the raw embeddings (validated by {@link LossInputs#validate} first). {@code logitScale}
     * is CLIP's learnable t, a single-element variable, or null for the constant log(1/τ); other
     * kinds take none.
     */
    public static Variable build(LossOptions spec, Variable z1, Variable z2, Variable logitScale) {
        LossInputs.validate(spec, z1.value(), z2.value());
        if (logitScale != null && spec.kind() != LossKind.CLIP) {
            throw new IllegalArgumentException(spec.kind().cliName() + ": a logit scale applies to clip only");
        }
        if (logitScale != null && logitScale.value().size() != 1) {
            throw new IllegalArgumentException("clip: the logit scale must be a single value, got shape "
                    + logitScale.value().shapeString());
        }
        int n = z1.value().dim(0);
        Variable f1 = features(spec, z1);
        Variable f2 = features(spec, z2);
        return switch (spec.kind()) {
            case NTXENT, HARD, DCL, DCLW -> crossEntropy(spec, concatRows(f1, f2), n);
            case SIMPLE, HARDSIMPLE -> simple(spec, concatRows(f1, f2), n);
            case SUPCON -> supCon(spec, concatRows(f1, f2), n);
            case INFONCE -> infoNce(spec, f1, f2);
            case CLIP -> clip(f1, f2, logitScale != null ? logitScale
                    : Variable.constant((float) Math.log(1 / spec.temperature())));
        };
    }

    private static Variable features(LossOptions spec, Variable z) {
        return spec.normalizedInputs() ? z : normalizeRows(z, spec.eps());
    }

    /**
     * NT-Xent, Hard, DCL and DCLW: for each anchor a, logsumexp over its denominator minus its
     * positive logit, averaged over the 2N anchors. The denominator holds the (selected) negatives,
     * and the positive too except in the decoupled losses.
     */
    private static Variable crossEntropy(LossOptions spec, Variable f, int n) {
        Samples samples = new Samples(n);
        Variable sim = gram(f);
        Tensor denominator = negatives(spec, samples, sim.value());
        boolean decoupled = spec.kind() == LossKind.DCL || spec.kind() == LossKind.DCLW;
        if (!decoupled) {
            denominator = Ops.add(denominator, samples.positiveMask());
        }
        Variable logits = scale(sim, (float) (1 / spec.temperature()));
        Variable logSumExp = logSumExpRows(maskedFill(logits, complement(denominator), Float.NEGATIVE_INFINITY));
        Variable positive = pick(logits, samples.positives());
        if (spec.kind() == LossKind.DCLW) {
            Variable w = dclwWeights(spec, sim, n);
            positive = mul(positive, concatRows(w, w));
        }
        return mean(sub(logSumExp, positive));
    }

    /**
     * DCLW's w_i = 2 − N·softmax_i(s_ii/σ) over the N positive pairs, as an [N, 1] column (clamped at
     * 0 if asked), detached unless the spec lets the gradient flow through it.
     */
    private static Variable dclwWeights(LossOptions spec, Variable sim, int n) {
        int[] partner = new int[n];
        for (int i = 0; i < n; i++) {
            partner[i] = n + i;
        }
        Variable pairSims = reshape(pick(sliceRows(sim, 0, n), partner), 1, n);
        Variable softmax = softmaxRows(scale(pairSims, (float) (1 / spec.sigma())));
        Variable w = sub(Variable.constant(2f), scale(softmax, n));
        if (spec.clampWeight()) {
            w = clamp(w, 0f, Float.POSITIVE_INFINITY);
        }
        w = reshape(w, n, 1);
        return spec.weightGradient() ? w : w.detach();
    }

    /** L_simple: −s_ap + λ_a·Σ_b s_ab over the (selected) negatives b, averaged over the 2N anchors. */
    private static Variable simple(LossOptions spec, Variable f, int n) {
        Samples samples = new Samples(n);
        Variable sim = gram(f);
        Tensor negatives = negatives(spec, samples, sim.value());
        Tensor lambda = Tensor.zeros(2 * n, 1);
        for (int a = 0; a < 2 * n; a++) {
            lambda.set(a, Double.isNaN(spec.lambda()) ? 1f / Ops.sum(negatives.row(a)) : (float) spec.lambda());
        }
        Variable negativeSum = sumRows(mul(sim, Variable.constant(negatives)));
        Variable positive = pick(sim, samples.positives());
        return mean(sub(mul(negativeSum, Variable.constant(lambda)), positive));
    }

    /**
     * SupCon (lightly's): for each anchor, the mean log-probability of its positives (every other
     * sample of its class) under the softmax over all other samples, negated and averaged; ×τ when
     * the spec rescales.
     */
    private static Variable supCon(LossOptions spec, Variable f, int n) {
        Samples samples = new Samples(n);
        int[] labels = spec.labels();
        Tensor notPositive = Tensor.zeros(2 * n, 2 * n);
        Tensor inverseCount = Tensor.zeros(2 * n, 1);
        for (int a = 0; a < 2 * n; a++) {
            int count = 0;
            for (int b = 0; b < 2 * n; b++) {
                boolean positive = b != a && labels[b % n] == labels[a % n];
                notPositive.set(a, b, positive ? 0f : 1f);
                count += positive ? 1 : 0;
            }
            inverseCount.set(a, 1f / count); // ≥ 1: the other view of a has a's label
        }
        double tau = spec.temperature();
        Variable logits = scale(gram(f), (float) (1 / tau));
        Variable logProb = logSoftmaxRows(maskedFill(logits, samples.self(), Float.NEGATIVE_INFINITY));
        // Zero (not multiply away) the −∞ of the anchor itself, so no 0·∞ enters.
        Variable positiveSum = sumRows(maskedFill(logProb, notPositive, 0f));
        Variable meanLogProb = mean(mul(positiveSum, Variable.constant(inverseCount)));
        return scale(meanLogProb, (float) -(spec.rescale() ? tau : 1));
    }

    /**
     * InfoNCE: queries against their positive key and the memory bank's negatives (normalised,
     * constant); with {@link LossOptions#symmetric()}, the mean of both directions.
     */
    private static Variable infoNce(LossOptions spec, Variable f1, Variable f2) {
        Tensor bank = LossInputs.bank(spec, null);
        Variable negatives = Variable.constant(spec.normalizedInputs() ? bank : Ops.normalizeRows(bank, spec.eps()));
        float inverseTau = (float) (1 / spec.temperature());
        Variable forward = infoNceDirection(f1, f2, negatives, inverseTau);
        if (!spec.symmetric()) {
            return forward;
        }
        return scale(add(forward, infoNceDirection(f2, f1, negatives, inverseTau)), 0.5f);
    }

    private static Variable infoNceDirection(Variable queries, Variable keys, Variable bank, float inverseTau) {
        Variable positive = sumRows(mul(queries, keys));
        Variable logits = scale(concatCols(positive, matmul(queries, false, bank, true)), inverseTau);
        return mean(sub(logSumExpRows(logits), scale(positive, inverseTau)));
    }

    /**
     * CLIP: logits e^t·f1·f2ᵀ, cross-entropy towards the diagonal along the rows (image → text) and
     * along the columns (text → image), averaged.
     */
    private static Variable clip(Variable f1, Variable f2, Variable logitScale) {
        Variable logits = mul(matmul(f1, false, f2, true), exp(logitScale));
        Variable matched = diagonal(logits);
        Variable imageToText = mean(sub(logSumExpRows(logits), matched));
        Variable textToImage = mean(sub(logSumExpRows(transpose(logits)), matched));
        return scale(add(imageToText, textToImage), 0.5f);
    }

    /** The spec's negatives of each anchor as a [2N, 2N] mask: its negative set, then the hard selection. */
    private static Tensor negatives(LossOptions spec, Samples samples, Tensor sim) {
        NegativeSet set = spec.negativeSet();
        Tensor candidates = samples.candidates(set);
        if (!spec.kind().selectsNegatives()) {
            return candidates;
        }
        int rank = spec.selectionRank(samples.candidatesPerAnchor(set));
        return spec.topK() > 0
                ? Selection.topK(sim, candidates, rank)
                : Selection.topKWithTies(sim, candidates, rank);
    }

    private static Tensor complement(Tensor mask) {
        Tensor out = Ops.scale(mask, -1f);
        Ops.axpyInto(1f, Tensor.full(1f, mask.shape()), out);
        return out;
    }

    /** The 2N samples [view 1 | view 2]: who is whose positive, and who may be whose negative. */
    private record Samples(int n) {

        int positive(int a) {
            return a < n ? a + n : a - n;
        }

        int[] positives() {
            int[] p = new int[2 * n];
            for (int a = 0; a < 2 * n; a++) {
                p[a] = positive(a);
            }
            return p;
        }

        Tensor positiveMask() {
            Tensor m = Tensor.zeros(2 * n, 2 * n);
            for (int a = 0; a < 2 * n; a++) {
                m.set(a, positive(a), 1f);
            }
            return m;
        }

        Tensor self() {
            Tensor m = Tensor.zeros(2 * n, 2 * n);
            for (int a = 0; a < 2 * n; a++) {
                m.set(a, a, 1f);
            }
            return m;
        }

        /** Every b ≠ a and ≠ a's positive; with CROSS, only those of the other view. */
        Tensor candidates(NegativeSet set) {
            Tensor m = Tensor.zeros(2 * n, 2 * n);
            for (int a = 0; a < 2 * n; a++) {
                for (int b = 0; b < 2 * n; b++) {
                    boolean sameView = (a < n) == (b < n);
                    if (b != a && b != positive(a) && !(set == NegativeSet.CROSS && sameView)) {
                        m.set(a, b, 1f);
                    }
                }
            }
            return m;
        }

        int candidatesPerAnchor(NegativeSet set) {
            return set == NegativeSet.CROSS ? n - 1 : 2 * n - 2;
        }
    }
}
