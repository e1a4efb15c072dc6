package org.jcontrast.simclr.eval;

import org.jcontrast.internal.kernel.Parallel;
import org.jcontrast.internal.tensor.Ops;
import org.jcontrast.tensor.Tensor;

/**
 * The linear evaluation protocol on frozen features: multinomial logistic regression on features
 * standardised with the training statistics, minimising the mean cross-entropy plus
 * (l2 / 2)·‖W‖² (the bias is not penalised) with full-batch L-BFGS from zero weights.
 *
 * <p>Deterministic: the products run on {@link Ops#matmul} (fixed split for a given thread count)
 * and the per-row losses are added in row order.
 */
public final class LinearProbe {
    /** Default L2 strength on the mean-loss scale. */
    public static final double DEFAULT_L2 = 1e-3;
    /** Default iteration limit of L-BFGS. */
    public static final int DEFAULT_MAX_ITERATIONS = 300;
    private static final double GRAD_TOLERANCE = 1e-5;
    private static final int MEMORY = 10;
    private final double l2;
    private final int maxIterations;

    /**
     * A multinomial logistic regression fitted by L-BFGS on standardised features.
     *
     * @param l2            L2 strength λ ≥ 0 on the weights
     * @param maxIterations L-BFGS iteration limit ≥ 1
     */
    public LinearProbe(double l2, int maxIterations) {
        if (!(l2 >= 0) || maxIterations < 1) {
            throw new IllegalArgumentException("linear probe needs l2 ≥ 0 and at least one iteration, got " + l2
                    + " and " + maxIterations);
        }
        this.l2 = l2;
        this.maxIterations = maxIterations;
    }

    /**
     * λ = {@value #DEFAULT_L2}, at most {@value #DEFAULT_MAX_ITERATIONS} iterations.
     *
     * @return the default probe
     */
    public static LinearProbe defaults() {
        return new LinearProbe(DEFAULT_L2, DEFAULT_MAX_ITERATIONS);
    }

    /** A fitted probe. */
    public static final class Model {
        private final Standardizer standardizer;
        private final Tensor weights;
        private final float[] bias;
        private final int iterations;
        private final double trainLoss;

        private Model(Standardizer standardizer, Tensor weights, float[] bias, int iterations, double trainLoss) {
            this.standardizer = standardizer;
            this.weights = weights;
            this.bias = bias;
            this.iterations = iterations;
            this.trainLoss = trainLoss;
        }

        /**
         * The most likely class of each row of {@code features} (raw, not standardised).
         *
         * @param features the rows to classify, [M, D]
         * @return the predicted classes, M values
         */
        public int[] predict(Tensor features) {
            Features.check(features, null, bias.length, "linear probe");
            Tensor logits = Ops.matmul(standardizer.apply(features), weights);
            int c = bias.length;
            int[] out = new int[logits.dim(0)];
            float[] z = logits.array();
            for (int r = 0; r < out.length; r++) {
                int best = 0;
                for (int k = 1; k < c; k++) {
                    if (z[r * c + k] + bias[k] > z[r * c + best] + bias[best]) {
                        best = k;
                    }
                }
                out[r] = best;
            }
            return out;
        }

        /**
         * Fraction of rows whose predicted class equals the label.
         *
         * @param features the rows to classify, [M, D]
         * @param labels their labels
         * @return the accuracy, in [0, 1]
         */
        public double accuracy(Tensor features, int[] labels) {
            Features.check(features, labels, bias.length, "linear probe");
            return Features.accuracy(predict(features), labels);
        }

        /**
         * L-BFGS iterations used.
         *
         * @return the L-BFGS iterations used
         */
        public int iterations() {
            return iterations;
        }

        /**
         * The training objective at the solution: mean cross-entropy plus the L2 term.
         *
         * @return the training objective at the solution: mean cross-entropy plus the L2 term
         */
        public double trainLoss() {
            return trainLoss;
        }
    }

    /**
     * Fits the probe on {@code features} [N, D] with labels in [0, classes).
     *
     * @param features the training features, [N, D]
     * @param labels one label per row
     * @param classes the number of classes
     * @return the fitted model
     */
    public Model fit(Tensor features, int[] labels, int classes) {
        Features.check(features, labels, classes, "linear probe training");
        Standardizer standardizer = Standardizer.fit(features);
        Tensor x = standardizer.apply(features);
        int d = x.dim(1);
        Objective objective = new Objective(x, labels, classes, l2);
        Lbfgs.Result r = Lbfgs.minimize(objective, new double[d * classes + classes], maxIterations, GRAD_TOLERANCE,
                MEMORY);
        Tensor w = Tensor.zeros(d, classes);
        float[] b = new float[classes];
        for (int i = 0; i < d * classes; i++) {
            w.array()[i] = (float) r.x()[i];
        }
        for (int k = 0; k < classes; k++) {
            b[k] = (float) r.x()[d * classes + k];
        }
        w.markModified();
        return new Model(standardizer, w, b, r.iterations(), r.value());
    }

    /** Mean cross-entropy + (λ/2)‖W‖² over θ = [W row-major (D×C), b (C)], with its gradient. */
    static final class Objective implements Lbfgs.Objective {
        private final Tensor x;
        private final int[] labels;
        private final int classes;
        private final double l2;
        private final Tensor w;
        private final Tensor logits;
        private final Tensor residual;
        private final Tensor gradW;
        private final double[] rowLoss;

        Objective(Tensor x, int[] labels, int classes, double l2) {
            this.x = x;
            this.labels = labels;
            this.classes = classes;
            this.l2 = l2;
            int n = x.dim(0), d = x.dim(1);
            w = Tensor.zeros(d, classes);
            logits = Tensor.zeros(n, classes);
            residual = Tensor.zeros(n, classes);
            gradW = Tensor.zeros(d, classes);
            rowLoss = new double[n];
        }

        @Override
        public double evaluate(double[] theta, double[] grad) {
            int n = x.dim(0), d = x.dim(1), c = classes, wSize = d * c;
            float[] wd = w.array();
            for (int i = 0; i < wSize; i++) {
                wd[i] = (float) theta[i];
            }
            w.markModified();
            Ops.matmulInto(1f, x, false, w, false, 0f, logits);
            float[] z = logits.array(), res = residual.array();
            double invN = 1.0 / n;
            Parallel.forRange(n, 256, (from, to) -> {
                double[] p = new double[c];
                for (int r = from; r < to; r++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int k = 0; k < c; k++) {
                        p[k] = z[r * c + k] + theta[wSize + k];
                        max = Math.max(max, p[k]);
                    }
                    int y = labels[r];
                    double zy = p[y];
                    double sum = 0;
                    for (int k = 0; k < c; k++) {
                        p[k] = Math.exp(p[k] - max);
                        sum += p[k];
                    }
                    rowLoss[r] = max + Math.log(sum) - zy;
                    for (int k = 0; k < c; k++) {
                        res[r * c + k] = (float) ((p[k] / sum - (k == y ? 1 : 0)) * invN);
                    }
                }
            });
            residual.markModified();
            Ops.matmulInto(1f, x, true, residual, false, 0f, gradW);
            double loss = 0;
            for (double l : rowLoss) {
                loss += l;
            }
            loss *= invN;
            float[] gw = gradW.array();
            double penalty = 0;
            for (int i = 0; i < wSize; i++) {
                penalty += theta[i] * theta[i];
                grad[i] = gw[i] + l2 * theta[i];
            }
            for (int k = 0; k < c; k++) {
                double gb = 0;
                for (int r = 0; r < n; r++) {
                    gb += res[r * c + k];
                }
                grad[wSize + k] = gb;
            }
            return loss + 0.5 * l2 * penalty;
        }
    }
}
