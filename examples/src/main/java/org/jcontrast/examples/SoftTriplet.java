package org.jcontrast.examples;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jcontrast.autograd.Arithmetic;
import org.jcontrast.autograd.Indexing;
import org.jcontrast.autograd.Products;
import org.jcontrast.autograd.Reductions;
import org.jcontrast.autograd.Variable;
import org.jcontrast.loss.BatchInputs;
import org.jcontrast.loss.Loss;
import org.jcontrast.loss.LossResult;
import org.jcontrast.tensor.Tensor;
import org.jcontrast.testkit.Embeddings;
import org.jcontrast.testkit.Gen;
import org.jcontrast.testkit.GradCheck;
import org.jcontrast.testkit.GradReport;

/**
 * A loss of your own, checked with jcontrast-testkit: a soft-margin triplet loss over the batch,
 * anchor z1_i, positive z2_i, every other z2_j a negative,
 *
 * <pre>L = (1/N) Σ_i Σ_{j≠i} softplus((z1_i·z2_j − z1_i·z2_i + m) / τ).</pre>
 *
 * {@link #autograd} writes it in a few lines of autograd operations (its gradient is autograd's);
 * {@link #handWritten} computes the same loss with a backward written by hand, as a fused kernel
 * would, with an optional deliberate {@link Mistake}. {@link #run} checks them all with
 * {@link GradCheck}: the correct ones pass, and each mistake is caught with a report naming where.
 */
public final class SoftTriplet {
    /** The margin m. */
    public static final float MARGIN = 0.2f;
    /** The temperature τ. */
    public static final float TAU = 0.2f;

    /** A deliberate error in the hand-written backward. */
    public enum Mistake {
        /** The correct backward. */
        NONE,
        /** ∂L/∂z1 with the wrong sign. */
        WRONG_SIGN,
        /** ∂L/∂z2 without the positive's term (only the negatives' pushes). */
        MISSING_TERM,
        /** Multiplying by τ where the chain rule divides by it. */
        WRONG_TEMPERATURE
    }

    private SoftTriplet() {
    }

    /** The loss as autograd operations on the two views, [N, d] each. */
    public static Variable autograd(Variable z1, Variable z2) {
        int n = z1.value().dim(0);
        Variable s = Products.matmul(z1, false, z2, true);                       // s_ij = z1_i · z2_j
        Variable logits = Arithmetic.scale(Arithmetic.add(Arithmetic.sub(s, Indexing.diagonal(s)),
                Variable.constant(MARGIN)), 1 / TAU);                           // (s_ij − s_ii + m) / τ
        Variable negatives = Indexing.maskedFill(logits, identity(n), -100f);    // no triplet (i, i, i)
        Variable softplus = Arithmetic.log(Arithmetic.add(Arithmetic.exp(negatives), Variable.constant(1f)));
        return Arithmetic.scale(Reductions.sum(softplus), 1f / n);
    }

    /** The same loss with its backward written by hand, with {@code mistake} in it. */
    public static Loss handWritten(Mistake mistake) {
        return new Loss() {
            @Override
            public LossResult compute(Tensor z1, Tensor z2, BatchInputs batch) {
                int n = z1.dim(0), d = z1.dim(1);
                double c = (mistake == Mistake.WRONG_TEMPERATURE ? TAU : 1 / TAU) / n;
                double loss = 0;
                double[] g1 = new double[n * d], g2 = new double[n * d];
                for (int i = 0; i < n; i++) {
                    double sii = dot(z1, i, z2, i);
                    for (int j = 0; j < n; j++) {
                        if (j == i) {
                            continue;
                        }
                        double x = (dot(z1, i, z2, j) - sii + MARGIN) / TAU;
                        loss += Math.log1p(Math.exp(x)) / n;
                        double w = c / (1 + Math.exp(-x)); // c · sigmoid(x)
                        for (int k = 0; k < d; k++) {
                            g1[i * d + k] += w * (z2.get(j, k) - z2.get(i, k));
                            g2[j * d + k] += w * z1.get(i, k);
                            if (mistake != Mistake.MISSING_TERM) {
                                g2[i * d + k] -= w * z1.get(i, k);
                            }
                        }
                    }
                }
                if (mistake == Mistake.WRONG_SIGN) {
                    for (int k = 0; k < g1.length; k++) {
                        g1[k] = -g1[k];
                    }
                }
                return new LossResult(loss, tensor(g1, n, d), tensor(g2, n, d));
            }

            @Override
            public String toString() {
                return "soft triplet, hand-written backward" + (mistake == Mistake.NONE ? "" : " with " + mistake);
            }
        };
    }

    /** The reports of the autograd version and of the hand-written one with each mistake, on a batch from {@code seed}. */
    public static Map<String, GradReport> run(long seed) {
        Embeddings.Views v = Embeddings.views().rows(3, 6).width(2, 5).draw(Gen.of(seed));
        Map<String, GradReport> reports = new LinkedHashMap<>();
        reports.put("autograd", GradCheck.of(x -> autograd(x[0], x[1])).named("soft triplet, autograd").seed(seed)
                .check(v.z1(), v.z2()));
        for (Mistake m : Mistake.values()) {
            reports.put(m.name(), GradCheck.of(handWritten(m)).seed(seed).check(v.z1(), v.z2()));
        }
        return reports;
    }

    /** Prints the reports for the seed in {@code args[0]} (default 1). */
    public static void main(String[] args) {
        long seed = args.length > 0 ? Long.parseLong(args[0]) : 1;
        for (GradReport r : run(seed).values()) {
            System.out.println(r);
            System.out.println();
        }
    }

    private static double dot(Tensor a, int i, Tensor b, int j) {
        double s = 0;
        for (int k = 0; k < a.dim(1); k++) {
            s += (double) a.get(i, k) * b.get(j, k);
        }
        return s;
    }

    private static Tensor identity(int n) {
        Tensor eye = Tensor.zeros(n, n);
        for (int i = 0; i < n; i++) {
            eye.set(i, i, 1f);
        }
        return eye;
    }

    private static Tensor tensor(double[] values, int rows, int cols) {
        Tensor t = Tensor.zeros(rows, cols);
        for (int i = 0; i < values.length; i++) {
            t.set(i, (float) values[i]);
        }
        return t;
    }
}
