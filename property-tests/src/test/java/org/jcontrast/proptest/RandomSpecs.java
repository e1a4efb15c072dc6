package org.jcontrast.proptest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jcontrast.loss.LossKind;
import org.jcontrast.loss.LossSpec;
import org.jcontrast.loss.MemoryBank;
import org.jcontrast.loss.NegativeSet;
import org.jcontrast.tensor.Tensor;

/** Random loss specs with every option a kind accepts, and inputs on which a spec is well conditioned. */
final class RandomSpecs {
    private RandomSpecs() {
    }

    /** A random kind with random options for a batch of n rows of dimension d. */
    static LossSpec draw(Gen g, int n, int d) {
        return draw(g, LossKind.values()[g.intIn(0, LossKind.values().length - 1)], n, d);
    }

    /** {@code kind} with random options for a batch of n rows of dimension d. */
    static LossSpec draw(Gen g, LossKind kind, int n, int d) {
        LossSpec s = LossSpec.of(kind);
        if (kind.usesTemperature() && g.bool()) {
            s = s.withTemperature(g.doubleIn(0.05, 2));
        }
        switch (kind) {
            case HARD, HARDSIMPLE -> {
                if (kind == LossKind.HARDSIMPLE || g.bool()) {
                    s = g.bool() ? s.withTopK(g.intIn(1, 2 * n)) : s.withQuantile(g.doubleIn(0.05, 1));
                }
                if (g.bool()) {
                    s = s.withNegativeSet(NegativeSet.CROSS);
                }
                if (kind == LossKind.HARDSIMPLE && g.bool()) {
                    s = s.withLambda(g.doubleIn(0, 2));
                }
            }
            case SIMPLE -> {
                if (g.bool()) {
                    s = s.withNegativeSet(NegativeSet.CROSS);
                }
                if (g.bool()) {
                    s = s.withLambda(g.doubleIn(0, 2));
                }
            }
            case DCLW -> s = s.withSigma(g.doubleIn(0.05, 1)).withWeightGradient(g.bool()).withClampWeight(g.bool());
            case SUPCON -> {
                int[] labels = new int[n];
                int classes = g.intIn(1, Math.max(1, n / 2));
                for (int i = 0; i < n; i++) {
                    labels[i] = g.intIn(0, classes - 1);
                }
                s = s.withLabels(labels).withRescale(g.bool());
            }
            case INFONCE -> {
                MemoryBank bank = new MemoryBank(g.intIn(1, 12), d);
                bank.enqueue(g.normal(g.intIn(1, bank.capacity()), d, g.doubleIn(0.5, 3)));
                s = s.withBank(bank).withSymmetric(g.bool());
            }
            default -> {
            }
        }
        return s;
    }

    /**
     * True unless the hard selection of some anchor rests on a near-tie (a gap below 1e-4 between
     * the last selected candidate and the first one left out), where float32 and float64 may choose
     * differently. Ties in the data never occur in continuous random draws.
     */
    static boolean selectionIsStable(LossSpec spec, Tensor z1, Tensor z2) {
        if (!spec.kind().selectsNegatives()) {
            return true;
        }
        int n = z1.dim(0);
        double[][] f = new double[2 * n][];
        for (int i = 0; i < 2 * n; i++) {
            Tensor row = i < n ? z1.row(i) : z2.row(i - n);
            double[] v = row.toDoubleArray();
            double norm = 0;
            for (double x : v) {
                norm += x * x;
            }
            for (int j = 0; j < v.length; j++) {
                v[j] /= Math.sqrt(norm);
            }
            f[i] = v;
        }
        for (int a = 0; a < 2 * n; a++) {
            int p = a < n ? a + n : a - n;
            List<Double> cand = new ArrayList<>();
            for (int b = 0; b < 2 * n; b++) {
                boolean sameView = (a < n) == (b < n);
                if (b != a && b != p && !(spec.negativeSet() == NegativeSet.CROSS && sameView)) {
                    double s = 0;
                    for (int j = 0; j < f[a].length; j++) {
                        s += f[a][j] * f[b][j];
                    }
                    cand.add(s);
                }
            }
            cand.sort(Comparator.reverseOrder());
            int r = spec.selectionRank(cand.size());
            if (r < cand.size() && cand.get(r - 1) - cand.get(r) < 1e-4) {
                return false;
            }
        }
        return true;
    }
}
