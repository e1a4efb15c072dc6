package org.jcontrast.testing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;

/**
 * Every loss of {@link LossKind} in float64, written as directly from its definition as possible:
 * the executable statement of jcontrast's loss conventions, and the function whose central finite
 * differences every gradient is checked against.
 *
 * <p>Indices: the 2N samples are ordered [view 1 rows 0..N−1 | view 2 rows 0..N−1]; the positive
 * of sample a is a ± N. The parts of a loss that carry no gradient (the hard-negative selection,
 * DCLW's weight unless the spec asks for its gradient) are frozen at the point given to
 * {@link #freeze}, so that finite differences see the same function the analytic gradient is of.
 */
public final class ReferenceLosses64 {
    private ReferenceLosses64() {
    }

    /** A loss with its non-differentiable parts fixed at a base point. */
    public static final class Frozen {
        private final LossOptions spec;
        private final int n;
        private final int d;
        private final int[][] selected;
        private final double[] weights;
        private final double[][] bank;

        private Frozen(LossOptions spec, int n, int d, int[][] selected, double[] weights, double[][] bank) {
            this.spec = spec;
            this.n = n;
            this.d = d;
            this.selected = selected;
            this.weights = weights;
            this.bank = bank;
        }

        /** The loss at (z1, z2), row-major [N, d] each; {@code logitScale} is CLIP's t (ignored by others). */
        public double value(double[] z1, double[] z2, double logitScale) {
            double[][] f = features(spec, z1, z2, n, d);
            double tau = spec.temperature();
            LossKind kind = spec.kind();
            switch (kind) {
                case NTXENT, HARD -> {
                    double total = 0;
                    for (int a = 0; a < 2 * n; a++) {
                        int p = positive(a, n);
                        List<Double> logits = new ArrayList<>();
                        logits.add(dot(f[a], f[p]) / tau);
                        for (int b : negatives(a)) {
                            logits.add(dot(f[a], f[b]) / tau);
                        }
                        total += -dot(f[a], f[p]) / tau + logSumExp(logits);
                    }
                    return total / (2 * n);
                }
                case DCL, DCLW -> {
                    double[] w = kind == LossKind.DCLW
                            ? (spec.weightGradient() ? dclwWeights(spec, f, n) : weights)
                            : null;
                    double total = 0;
                    for (int a = 0; a < 2 * n; a++) {
                        int p = positive(a, n);
                        List<Double> logits = new ArrayList<>();
                        for (int b : negatives(a)) {
                            logits.add(dot(f[a], f[b]) / tau);
                        }
                        double wa = w == null ? 1 : w[a % n];
                        total += -wa * dot(f[a], f[p]) / tau + logSumExp(logits);
                    }
                    return total / (2 * n);
                }
                case SIMPLE, HARDSIMPLE -> {
                    double total = 0;
                    for (int a = 0; a < 2 * n; a++) {
                        int[] neg = negatives(a);
                        double lambda = Double.isNaN(spec.lambda()) ? 1.0 / neg.length : spec.lambda();
                        double s = 0;
                        for (int b : neg) {
                            s += dot(f[a], f[b]);
                        }
                        total += -dot(f[a], f[positive(a, n)]) + lambda * s;
                    }
                    return total / (2 * n);
                }
                case INFONCE -> {
                    double forward = infoNce(f, 0, n, tau);
                    return spec.symmetric() ? 0.5 * (forward + infoNce(f, n, 0, tau)) : forward;
                }
                case SUPCON -> {
                    int[] y = spec.labels();
                    double total = 0;
                    for (int a = 0; a < 2 * n; a++) {
                        List<Double> all = new ArrayList<>();
                        for (int b = 0; b < 2 * n; b++) {
                            if (b != a) {
                                all.add(dot(f[a], f[b]) / tau);
                            }
                        }
                        double lse = logSumExp(all);
                        double sum = 0;
                        int count = 0;
                        for (int b = 0; b < 2 * n; b++) {
                            if (b != a && y[b % n] == y[a % n]) {
                                sum += dot(f[a], f[b]) / tau - lse;
                                count++;
                            }
                        }
                        total += -sum / count;
                    }
                    double loss = total / (2 * n);
                    return spec.rescale() ? loss * tau : loss;
                }
                case CLIP -> {
                    double scale = Math.exp(logitScale);
                    double rows = 0, cols = 0;
                    for (int i = 0; i < n; i++) {
                        List<Double> r = new ArrayList<>();
                        List<Double> c = new ArrayList<>();
                        for (int j = 0; j < n; j++) {
                            r.add(scale * dot(f[i], f[n + j]));
                            c.add(scale * dot(f[j], f[n + i]));
                        }
                        double diag = scale * dot(f[i], f[n + i]);
                        rows += -diag + logSumExp(r);
                        cols += -diag + logSumExp(c);
                    }
                    return 0.5 * (rows / n + cols / n);
                }
                default -> throw new IllegalStateException("no reference for " + kind);
            }
        }

        /** The negatives of sample a: the frozen selection, or the whole negative set. */
        private int[] negatives(int a) {
            return selected != null ? selected[a] : candidateNegatives(spec, a, n);
        }

        /** InfoNCE with queries f[qOff..], positive keys f[kOff..] and the frozen bank as negatives. */
        private double infoNce(double[][] f, int qOff, int kOff, double tau) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                List<Double> logits = new ArrayList<>();
                double pos = dot(f[qOff + i], f[kOff + i]) / tau;
                logits.add(pos);
                for (double[] neg : bank) {
                    logits.add(dot(f[qOff + i], neg) / tau);
                }
                total += -pos + logSumExp(logits);
            }
            return total / n;
        }
    }

    /** Freezes the selection and DCLW's detached weights at (z1, z2). */
    public static Frozen freeze(LossOptions spec, double[] z1, double[] z2, int n, int d) {
        double[][] f = features(spec, z1, z2, n, d);
        int[][] selected = null;
        if (spec.kind().selectsNegatives()) {
            selected = new int[2 * n][];
            for (int a = 0; a < 2 * n; a++) {
                selected[a] = select(spec, f, a, n);
            }
        }
        double[] weights = spec.kind() == LossKind.DCLW ? dclwWeights(spec, f, n) : null;
        double[][] bank = null;
        if (spec.kind() == LossKind.INFONCE) {
            Tensor b = spec.bank().snapshot();
            bank = new double[b.dim(0)][];
            for (int i = 0; i < b.dim(0); i++) {
                bank[i] = normalize(spec, Reference64.widen(b.row(i).toArray()));
            }
        }
        return new Frozen(spec, n, d, selected, weights, bank);
    }

    /** The loss at (z1, z2); CLIP's logit scale is log(1/τ) of the spec. */
    public static double loss(LossOptions spec, double[] z1, double[] z2, int n, int d) {
        return freeze(spec, z1, z2, n, d).value(z1, z2, Math.log(1 / spec.temperature()));
    }

    /**
     * Central finite differences of the frozen loss: {grad z1, grad z2, {∂/∂t}} where t is CLIP's
     * logit scale (the last is computed for every loss and is 0 where t is unused).
     */
    public static double[][] gradient(LossOptions spec, double[] z1, double[] z2, int n, int d, double h) {
        Frozen fr = freeze(spec, z1, z2, n, d);
        double t = Math.log(1 / spec.temperature());
        double[] g1 = new double[z1.length];
        double[] g2 = new double[z2.length];
        for (int which = 0; which < 2; which++) {
            double[] z = which == 0 ? z1 : z2;
            double[] g = which == 0 ? g1 : g2;
            for (int i = 0; i < z.length; i++) {
                double keep = z[i];
                z[i] = keep + h;
                double up = fr.value(z1, z2, t);
                z[i] = keep - h;
                double down = fr.value(z1, z2, t);
                z[i] = keep;
                g[i] = (up - down) / (2 * h);
            }
        }
        double gt = spec.kind() == LossKind.CLIP
                ? (fr.value(z1, z2, t + h) - fr.value(z1, z2, t - h)) / (2 * h)
                : 0;
        return new double[][] {g1, g2, {gt}};
    }

    /** The 2N normalised features, [view 1 | view 2]. */
    static double[][] features(LossOptions spec, double[] z1, double[] z2, int n, int d) {
        double[][] f = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            f[i] = normalize(spec, slice(z1, i, d));
            f[n + i] = normalize(spec, slice(z2, i, d));
        }
        return f;
    }

    private static double[] normalize(LossOptions spec, double[] z) {
        if (spec.normalizedInputs()) {
            return z;
        }
        double s = 0;
        for (double v : z) {
            s += v * v;
        }
        double denom = Math.max(Math.sqrt(s), spec.eps());
        double[] out = new double[z.length];
        for (int j = 0; j < z.length; j++) {
            out[j] = z[j] / denom;
        }
        return out;
    }

    /** DCLW's w_i = 2 − N·softmax_i(s_ii/σ) over the N positive pairs, clamped at 0 if asked. */
    static double[] dclwWeights(LossOptions spec, double[][] f, int n) {
        List<Double> logits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            logits.add(dot(f[i], f[n + i]) / spec.sigma());
        }
        double lse = logSumExp(logits);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 2 - n * Math.exp(logits.get(i) - lse);
            if (spec.clampWeight()) {
                w[i] = Math.max(0, w[i]);
            }
        }
        return w;
    }

    /** Sample a's candidate negatives in the spec's negative set, in increasing index order. */
    static int[] candidateNegatives(LossOptions spec, int a, int n) {
        int p = positive(a, n);
        boolean cross = spec.negativeSet() == NegativeSet.CROSS;
        List<Integer> out = new ArrayList<>();
        for (int b = 0; b < 2 * n; b++) {
            boolean sameView = (a < n) == (b < n);
            if (b != a && b != p && !(cross && sameView)) {
                out.add(b);
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The hard selection of sample a's negatives at these features. */
    private static int[] select(LossOptions spec, double[][] f, int a, int n) {
        int[] cand = candidateNegatives(spec, a, n);
        int r = spec.selectionRank(cand.length);
        List<Integer> order = new ArrayList<>();
        for (int b : cand) {
            order.add(b);
        }
        order.sort(Comparator.<Integer>comparingDouble(b -> -dot(f[a], f[b])).thenComparingInt(b -> b));
        if (spec.topK() > 0 || Double.isNaN(spec.quantile())) {
            return order.subList(0, r).stream().mapToInt(Integer::intValue).sorted().toArray();
        }
        double threshold = dot(f[a], f[order.get(r - 1)]);
        return order.stream().filter(b -> dot(f[a], f[b]) >= threshold).mapToInt(Integer::intValue).sorted().toArray();
    }

    static int positive(int a, int n) {
        return a < n ? a + n : a - n;
    }

    static double dot(double[] x, double[] y) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += x[j] * y[j];
        }
        return s;
    }

    static double logSumExp(List<Double> xs) {
        double m = Double.NEGATIVE_INFINITY;
        for (double x : xs) {
            m = Math.max(m, x);
        }
        double s = 0;
        for (double x : xs) {
            s += Math.exp(x - m);
        }
        return m + Math.log(s);
    }

    private static double[] slice(double[] z, int row, int d) {
        double[] out = new double[d];
        System.arraycopy(z, row * d, out, 0, d);
        return out;
    }
}
