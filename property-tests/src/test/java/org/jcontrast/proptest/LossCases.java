package org.jcontrast.proptest;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jcontrast.internal.loss.LossOptions;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testkit.Gen;

/**
 * Random loss specs with every option a kind accepts, and random inputs for them, shared by the
 * loss properties. Inputs avoid the points where the loss is not differentiable or the float32
 * selection could legitimately differ from the float64 one: rows never have a norm near the
 * normalisation's eps, no two of an anchor's candidate similarities are within 1e-5 (exact ties
 * are the selection's unit tests' business: float32 rounding breaks them arbitrarily), and a
 * clamped DCLW weight whose gradient flows is never within 1e-4 of 0.
 */
public final class LossCases {
    private LossCases() {
    }

    /** The kind with random options, among those it accepts. */
    public static LossOptions randomSpec(Gen g, LossKind kind, int n, int d) {
        LossOptions spec = LossOptions.of(kind);
        if (kind.usesTemperature() && g.bool()) {
            spec = spec.withTemperature(g.doubleIn(0.05, 1));
        }
        int input = g.intIn(0, 3);
        if (input == 0) {
            spec = spec.withNormalizedInputs(true);
        } else if (input == 1) {
            spec = spec.withNormalizeEps((float) g.doubleIn(0.3, 0.6));
        }
        switch (kind) {
            case HARD, HARDSIMPLE -> {
                NegativeSet set = g.bool() ? NegativeSet.ALL : NegativeSet.CROSS;
                spec = spec.withNegativeSet(set);
                int candidates = set == NegativeSet.ALL ? 2 * n - 2 : n - 1;
                // A quantile of 1 keeps every negative: NT-Xent over the negative set.
                if (g.bool()) {
                    spec = spec.withTopK(g.intIn(1, candidates + 1));
                } else {
                    spec = spec.withQuantile(g.bool() ? 1 : g.doubleIn(0.05, 1));
                }
                if (kind == LossKind.HARDSIMPLE && g.bool()) {
                    spec = spec.withLambda(g.doubleIn(0, 2));
                }
            }
            case SIMPLE -> {
                spec = spec.withNegativeSet(g.bool() ? NegativeSet.ALL : NegativeSet.CROSS);
                if (g.bool()) {
                    spec = spec.withLambda(g.doubleIn(0, 2));
                }
            }
            case DCLW -> spec = spec.withSigma(g.doubleIn(0.1, 1.5)).withWeightGradient(g.bool())
                    .withClampWeight(g.bool());
            case INFONCE -> {
                int size = g.intIn(1, 6);
                MemoryBank bank;
                if (spec.normalizedInputs()) {
                    bank = MemoryBank.randomUnit(size, d, g.random().nextLong());
                } else {
                    bank = new MemoryBank(size, d);
                    bank.enqueue(g.normal(size, d, 1));
                }
                spec = spec.withBank(bank).withSymmetric(g.bool());
            }
            case SUPCON -> {
                int[] labels = new int[n];
                for (int i = 0; i < n; i++) {
                    labels[i] = g.intIn(0, n / 2);
                }
                labels[n - 1] = labels[0]; // at least one class with two samples per view
                spec = spec.withLabels(labels).withRescale(g.bool());
            }
            default -> {
                // NT-Xent, DCL and CLIP have no other options
            }
        }
        return spec;
    }

    /** A spec and two views that {@link #safe} accepts. */
    public record Case(LossOptions spec, Tensor z1, Tensor z2) {
        /** N, the rows of each view. */
        public int n() {
            return z1.dim(0);
        }

        /** d, the embedding width. */
        public int d() {
            return z1.dim(1);
        }
    }

    /**
     * {@code kind} (a random one when null) with random options, N ≤ maxN and d ≤ maxD, on random
     * views safe for it. With d = 1 every similarity is ±1: ties everywhere, which float32 rounding
     * breaks arbitrarily, so the selecting losses start at d = 2; InfoNCE's bank gives N = 1 negatives.
     */
    public static Case draw(Gen g, LossKind kind, int maxN, int maxD) {
        LossKind k = kind != null ? kind : LossKind.values()[g.intIn(0, LossKind.values().length - 1)];
        int n = g.size(k == LossKind.INFONCE ? 1 : 2, maxN), d = g.size(k.selectsNegatives() ? 2 : 1, maxD);
        return views(g, randomSpec(g, k, n, d), n, d);
    }

    /** Two random N×d views for {@code spec}, drawn again until {@link #safe} accepts them. */
    public static Case views(Gen g, LossOptions spec, int n, int d) {
        Tensor z1, z2;
        do {
            z1 = rows(g, spec, n, d);
            z2 = rows(g, spec, n, d);
        } while (!safe(spec, z1.toDoubleArray(), z2.toDoubleArray(), n, d));
        return new Case(spec, z1, z2);
    }

    /**
     * Random rows: unit-norm when the spec says so; with a large eps, each row either well below or
     * well above it (never within 20% of the kink at ‖z‖ = eps); otherwise norms in [0.5, 3].
     */
    public static Tensor rows(Gen g, LossOptions spec, int n, int d) {
        Tensor z = g.normal(n, d, 1);
        boolean bigEps = spec.zeroRowsAllowed();
        for (int i = 0; i < n; i++) {
            double target;
            if (spec.normalizedInputs()) {
                target = 1;
            } else if (bigEps && g.bool()) {
                target = spec.eps() * g.doubleIn(0.1, 0.8);
            } else {
                target = bigEps ? spec.eps() * g.doubleIn(1.2, 5) : g.doubleIn(0.5, 3);
            }
            double norm = 0;
            for (int j = 0; j < d; j++) {
                norm += (double) z.get(i, j) * z.get(i, j);
            }
            for (int j = 0; j < d; j++) {
                z.set(i, j, (float) (z.get(i, j) * target / Math.sqrt(norm)));
            }
        }
        return z;
    }

    /** Whether the point is away from selection near-ties and from a clamped weight's kink. */
    public static boolean safe(LossOptions spec, double[] z1, double[] z2, int n, int d) {
        double[][] f = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            f[i] = feature(spec, Arrays.copyOfRange(z1, i * d, (i + 1) * d));
            f[n + i] = feature(spec, Arrays.copyOfRange(z2, i * d, (i + 1) * d));
        }
        if (spec.kind().selectsNegatives()) {
            for (int a = 0; a < 2 * n; a++) {
                List<Double> sims = new ArrayList<>();
                for (int b = 0; b < 2 * n; b++) {
                    boolean sameView = (a < n) == (b < n);
                    if (b != a && b != (a + n) % (2 * n) && !(spec.negativeSet() == NegativeSet.CROSS && sameView)) {
                        sims.add(dot(f[a], f[b]));
                    }
                }
                for (int i = 0; i < sims.size(); i++) {
                    for (int j = 0; j < i; j++) {
                        if (Math.abs(sims.get(i) - sims.get(j)) < 1e-5) {
                            return false;
                        }
                    }
                }
            }
        }
        if (spec.kind() == LossKind.DCLW && spec.clampWeight() && spec.weightGradient()) {
            double[] logits = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                logits[i] = dot(f[i], f[n + i]) / spec.sigma();
                max = Math.max(max, logits[i]);
            }
            double sum = 0;
            for (double l : logits) {
                sum += Math.exp(l - max);
            }
            for (double l : logits) {
                if (Math.abs(2 - n * Math.exp(l - max) / sum) < 1e-4) {
                    return false;
                }
            }
        }
        return true;
    }

    private static double[] feature(LossOptions spec, double[] z) {
        if (spec.normalizedInputs()) {
            return z;
        }
        double norm = Math.sqrt(dot(z, z));
        double[] out = z.clone();
        for (int j = 0; j < out.length; j++) {
            out[j] /= Math.max(norm, spec.eps());
        }
        return out;
    }

    private static double dot(double[] x, double[] y) {
        double s = 0;
        for (int j = 0; j < x.length; j++) {
            s += x[j] * y[j];
        }
        return s;
    }
}
